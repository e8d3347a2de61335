package dev.satchel.mail.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every built-in entry that Thunderbird's ISPDB (flattened into ispdb.tsv) also covers must agree with
 * it on host, port and security, server by server and in order, for each protocol ISPDB lists.
 * ISPDB's plaintext servers are left out on purpose (the registry never offers plaintext). The
 * deliberate differences are named tests below, each with its reason.
 */
class IspdbAgreementTest {
  /** Providers whose differences from ISPDB are deliberate; each has its own test below. */
  private static final Set<String> EXCEPTIONS = Set.of("rediffmail");

  private static final Map<String, List<Row>> ISPDB = new LinkedHashMap<>();

  record Row(String domain, Protocol protocol, int rank, String host, int port, Security security, String username) {}

  @BeforeAll
  static void readTsv() throws IOException {
    try (InputStream in = IspdbAgreementTest.class.getResourceAsStream("ispdb.tsv")) {
      assertThat(in).as("src/test/resources/dev/satchel/mail/providers/ispdb.tsv").isNotNull();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String header = r.readLine();
      assertThat(header).startsWith("domain\tprovider_id\tprotocol\trank\thostname\tport\tsocket_type");
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split("\t", -1);
        Security security = switch (f[6]) {
          case "SSL" -> Security.TLS;
          case "STARTTLS" -> Security.STARTTLS;
          default -> Security.NONE;
        };
        Row row = new Row(f[0].toLowerCase(Locale.ROOT), Protocol.valueOf(f[2].toUpperCase(Locale.ROOT)),
            Integer.parseInt(f[3]), f[4].toLowerCase(Locale.ROOT), Integer.parseInt(f[5]), security, f[7]);
        ISPDB.computeIfAbsent(row.domain(), k -> new ArrayList<>()).add(row);
      }
    }
  }

  @Test
  void everyCoveredEntryAgreesWithIspdbOnHostPortAndSecurity() {
    int compared = 0;
    List<String> problems = new ArrayList<>();
    for (MailProvider p : MailProviders.builtIn().providers()) {
      if (EXCEPTIONS.contains(p.id())) {
        continue;
      }
      List<String> domains = new ArrayList<>(p.domains());
      domains.addAll(p.mxDomains());
      for (String domain : domains) {
        List<Row> rows = ISPDB.get(domain);
        if (rows == null) {
          continue;
        }
        for (Protocol protocol : Protocol.values()) {
          List<String> expected = rows.stream().filter(r -> r.protocol() == protocol && r.security() != Security.NONE)
              .sorted(Comparator.comparingInt(Row::rank))
              .map(r -> r.host().replace("%emaildomain%", domain) + ":" + r.port() + "/" + r.security()).toList();
          if (rows.stream().noneMatch(r -> r.protocol() == protocol)) {
            continue;
          }
          List<String> actual = p.servers(protocol).stream()
              .map(s -> s.host().replace("%EMAILDOMAIN%", domain) + ":" + s.port() + "/" + s.security()).toList();
          compared++;
          if (!actual.equals(expected)) {
            problems.add(p.id() + " " + domain + " " + protocol + ": registry " + actual + ", ISPDB " + expected);
          }
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(compared).as("domain x protocol pairs compared").isGreaterThan(1000);
  }

  @Test
  void usernameFormsAgreeWithIspdb() {
    List<String> problems = new ArrayList<>();
    for (MailProvider p : MailProviders.builtIn().providers()) {
      for (String domain : p.domains()) {
        for (Row row : ISPDB.getOrDefault(domain, List.of())) {
          p.servers(row.protocol()).stream()
              .filter(s -> s.host().equalsIgnoreCase(row.host()) && s.port() == row.port())
              .filter(s -> !s.username().template().equals(row.username()))
              .forEach(s -> problems.add(p.id() + " " + domain + " " + s + " vs ISPDB " + row.username()));
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  /**
   * Rediffmail: ISPDB lists SMTP on 586 with implicit TLS and on 587 in plaintext, and POP3 on 110 in
   * plaintext. PROVIDERS.md flags 586/SSL and 587/plain as looking wrong (586 is no mail port; 587 is
   * submission with STARTTLS), and plaintext is never offered by the registry. Only 465/TLS SMTP and
   * 995/TLS POP3 are kept.
   */
  @Test
  void rediffmailKeepsOnlyTheTlsServersBecauseIspdbsOddPortsLookWrong() {
    MailProvider rediff = MailProviders.builtIn().byId("rediffmail").orElseThrow();
    assertThat(ISPDB.get("rediffmail.com")).extracting(Row::port).contains(586, 587, 110);
    assertThat(rediff.servers(Protocol.SMTP)).extracting(ProviderServer::port, ProviderServer::security)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(465, Security.TLS));
    assertThat(rediff.servers(Protocol.POP3)).extracting(ProviderServer::port, ProviderServer::security)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(995, Security.TLS));
    assertThat(rediff.supports(Protocol.IMAP)).isFalse();
  }

  /**
   * QQ Mail: ISPDB lists only IMAP and SMTP for qq.com. The registry adds pop.qq.com:995/TLS from
   * PROVIDERS.md (QQ offers POP3/SMTP as an alternative service). This is an addition, not a
   * disagreement: IMAP and SMTP still match ISPDB, and IMAP stays first.
   */
  @Test
  void qqAddsPop3ThatIspdbDoesNotList() {
    MailProvider qq = MailProviders.builtIn().byId("qq").orElseThrow();
    assertThat(ISPDB.get("qq.com")).noneMatch(r -> r.protocol() == Protocol.POP3);
    assertThat(qq.incoming().get(0).protocol()).isEqualTo(Protocol.IMAP);
    assertThat(qq.server(Protocol.POP3)).map(ProviderServer::host).contains("pop.qq.com");
  }
}
