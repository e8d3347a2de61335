package dev.satchel.mail.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import java.io.StringReader;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MailProvidersTest {
  private final MailProviders registry = MailProviders.builtIn();

  @Test
  void holdsAtLeast60ProvidersAnd250Domains() {
    assertThat(registry.providers()).hasSizeGreaterThanOrEqualTo(60);
    assertThat(registry.providers().stream().mapToInt(p -> p.domains().size()).sum()).isGreaterThanOrEqualTo(250);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "gmail.com, gmail", "googlemail.com, gmail",
      "outlook.com, outlook", "hotmail.com, outlook", "hotmail.co.uk, outlook", "hotmail.de, outlook", "live.com, outlook",
      "live.fr, outlook", "msn.com, outlook", "outlook.de, outlook",
      "office365.com, microsoft365", "onmicrosoft.com, microsoft365",
      "yahoo.com, yahoo", "yahoo.co.uk, yahoo", "yahoo.de, yahoo", "yahoo.com.br, yahoo", "ymail.com, yahoo", "rocketmail.com, yahoo",
      "aol.com, aol", "aim.com, aol", "aol.de, aol", "netscape.net, aol", "compuserve.com, aol",
      "verizon.net, verizon",
      "att.net, att", "sbcglobal.net, att", "bellsouth.net, att", "pacbell.net, att",
      "comcast.net, comcast",
      "icloud.com, icloud", "me.com, icloud", "mac.com, icloud",
      "zoho.com, zoho", "zohomail.com, zoho", "zoho.eu, zoho-eu", "zoho.in, zoho-in", "zoho.com.au, zoho-au", "zoho.jp, zoho-jp",
      "zohocloud.ca, zoho-ca",
      "gmx.net, gmx", "gmx.de, gmx", "gmx.at, gmx", "gmx.com, gmx-com", "gmx.co.uk, gmx-com",
      "web.de, webde", "t-online.de, t-online", "magenta.de, t-online",
      "yandex.ru, yandex", "yandex.com, yandex", "ya.ru, yandex",
      "mail.ru, mailru", "inbox.ru, mailru", "list.ru, mailru", "bk.ru, mailru",
      "fastmail.com, fastmail", "fastmail.fm, fastmail",
      "proton.me, proton", "protonmail.com, proton", "pm.me, proton",
      "qq.com, qq", "foxmail.com, qq",
      "163.com, netease-163", "126.com, netease-126", "yeah.net, netease-yeah",
      "sina.com, sina", "sina.cn, sina", "sohu.com, sohu", "aliyun.com, aliyun", "139.com, china-mobile-139",
      "naver.com, naver", "hanmail.net, daum", "daum.net, daum", "kakao.com, kakao",
      "orange.fr, orange", "wanadoo.fr, orange", "free.fr, free", "libero.it, libero",
      "seznam.cz, seznam", "email.cz, seznam", "interia.pl, interia", "wp.pl, wp", "o2.pl, o2pl", "onet.pl, onet", "op.pl, onet",
      "posteo.de, posteo", "posteo.net, posteo", "mailbox.org, mailbox-org", "mail.com, mail-com", "email.com, mail-com",
      "rediffmail.com, rediffmail",
      "tuta.com, tuta", "tutanota.com, tuta", "hey.com, hey"})
  void findsEveryProviderTheIssueNames(String domain, String id) {
    assertThat(registry.lookup(domain)).map(MailProvider::id).contains(id);
    assertThat(registry.lookup("someone@" + domain)).map(MailProvider::id).contains(id);
  }

  @Test
  void icloudUsesTheLocalPartForImapAndTheFullAddressForSmtp() {
    MailProvider icloud = registry.lookup("alice@icloud.com").orElseThrow();
    Credentials secret = Credentials.password("whatever", "app-specific-password");

    MailSettings imap = icloud.settings("alice@icloud.com", secret, Protocol.IMAP);
    MailSettings smtp = icloud.settings("alice@icloud.com", secret, Protocol.SMTP);

    assertThat(imap.server()).isEqualTo(new dev.satchel.mail.Server(Protocol.IMAP, "imap.mail.me.com", 993, Security.TLS));
    assertThat(imap.credentials()).isNotNull().extracting(Credentials::username).isEqualTo("alice");
    assertThat(smtp.server()).isEqualTo(new dev.satchel.mail.Server(Protocol.SMTP, "smtp.mail.me.com", 587, Security.STARTTLS));
    assertThat(smtp.credentials()).isNotNull().extracting(Credentials::username).isEqualTo("alice@icloud.com");
    assertThat(((Credentials.Password) imap.credentials()).secret()).containsExactly("app-specific-password".toCharArray());
    assertThat(icloud.authentication()).isEqualTo(Authentication.APP_PASSWORD);
    assertThat(icloud.supports(Protocol.POP3)).isFalse();
  }

  @Test
  void icloudSaysPlainlyThatItHasNoPop3() {
    MailProvider icloud = registry.lookup("me.com").orElseThrow();
    assertThatThrownBy(() -> icloud.settings("bob@me.com", Credentials.password("x", "y"), Protocol.POP3))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("no POP3 server").hasMessageContaining("IMAP, SMTP");
  }

  @ParameterizedTest
  @CsvSource({"carol@tuta.com, Tuta", "dave@hey.com, HEY"})
  void tutaAndHeySayTheyOfferNoImapPop3OrSmtp(String address, String name) {
    MailProvider p = registry.lookup(address).orElseThrow();

    assertThat(p.access()).isEqualTo(Access.NONE);
    assertThat(p.offersAccess()).isFalse();
    assertThat(p.incoming()).isEmpty();
    assertThat(p.outgoing()).isEmpty();
    assertThat(p.authentication()).isEqualTo(Authentication.NOT_OFFERED);
    assertThat(p.setupNotes()).isNotEmpty();
    for (Protocol protocol : Protocol.values()) {
      assertThatThrownBy(() -> p.settings(address, Credentials.password("u", "p"), protocol))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining(name).hasMessageContaining("offers no IMAP, POP3 or SMTP access");
    }
  }

  @Test
  void gmailNeedsAnAppPasswordOffersOAuth2AndSavesSentMail() {
    MailProvider gmail = registry.lookup("bob@googlemail.com").orElseThrow();
    assertThat(gmail.authentication()).isEqualTo(Authentication.APP_PASSWORD);
    assertThat(gmail.offersOAuth2()).isTrue();
    assertThat(gmail.savesSentAutomatically()).isTrue();
    assertThat(gmail.setupNotes()).allSatisfy(n -> assertThat(n.link()).isPresent());
    MailSettings pop = gmail.settings("bob@googlemail.com", Credentials.password("bob", "pw"), Protocol.POP3);
    assertThat(pop.server().host()).isEqualTo("pop.gmail.com");
    assertThat(pop.credentials()).isNotNull().extracting(Credentials::username).isEqualTo("bob@googlemail.com");
  }

  @Test
  void outlookRefusesAPasswordAndTakesOAuth2() {
    MailProvider outlook = registry.lookup("erin@hotmail.com").orElseThrow();
    assertThat(outlook.authentication()).isEqualTo(Authentication.OAUTH2);
    assertThatThrownBy(() -> outlook.settings("erin@hotmail.com", Credentials.password("erin", "pw"), Protocol.IMAP))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only OAuth2");

    MailSettings s = outlook.settings("erin@hotmail.com", Credentials.oauth2("x", force -> "token"), Protocol.SMTP);
    assertThat(s.server()).isEqualTo(new dev.satchel.mail.Server(Protocol.SMTP, "smtp-mail.outlook.com", 587, Security.STARTTLS));
    assertThat(s.credentials()).isInstanceOf(Credentials.OAuth2.class).extracting(Credentials::username).isEqualTo("erin@hotmail.com");
  }

  @Test
  void netEaseUsesAnAuthorizationCodeAndNeedsImapId() {
    for (String domain : List.of("163.com", "126.com", "yeah.net")) {
      MailProvider p = registry.lookup(domain).orElseThrow();
      assertThat(p.authentication()).as(domain).isEqualTo(Authentication.AUTHORIZATION_CODE);
      assertThat(p.needsImapId()).as(domain).isTrue();
      assertThat(p.server(Protocol.IMAP)).map(ProviderServer::host).contains("imap." + domain);
    }
    assertThat(registry.lookup("qq.com").orElseThrow().authentication()).isEqualTo(Authentication.AUTHORIZATION_CODE);
    assertThat(registry.lookup("qq.com").orElseThrow().needsImapId()).isFalse();
  }

  @Test
  void protonIsReachedThroughBridgeOnLoopback() {
    MailProvider proton = registry.lookup("frank@proton.me").orElseThrow();
    assertThat(proton.access()).isEqualTo(Access.LOCAL_BRIDGE);
    MailSettings imap = proton.settings("frank@proton.me", Credentials.password("x", "bridge-pw"), Protocol.IMAP);
    assertThat(imap.server()).isEqualTo(new dev.satchel.mail.Server(Protocol.IMAP, "127.0.0.1", 1143, Security.STARTTLS));
    assertThat(proton.setupNotes()).anySatisfy(n -> assertThat(n.text()).contains("Bridge"));
  }

  @Test
  void providersThatMustBeSwitchedOnSayWhereWithALink() {
    for (String domain : List.of("gmx.net", "web.de", "t-online.de", "yandex.ru", "zoho.com", "o2.pl", "qq.com", "163.com")) {
      MailProvider p = registry.lookup(domain).orElseThrow();
      assertThat(p.setupNotes()).as(domain).isNotEmpty().anySatisfy(n -> assertThat(n.link()).isPresent());
    }
  }

  @Test
  void webDeAndFreeLogInWithTheLocalPart() {
    MailSettings web = registry.lookup("web.de").orElseThrow().settings("gina@web.de", Credentials.password("x", "y"), Protocol.SMTP);
    assertThat(web.credentials()).isNotNull().extracting(Credentials::username).isEqualTo("gina");
    MailSettings free = registry.lookup("free.fr").orElseThrow().settings("hugo@free.fr", Credentials.password("x", "y"), Protocol.IMAP);
    assertThat(free.credentials()).isNotNull().extracting(Credentials::username).isEqualTo("hugo");
  }

  @Test
  void hostTemplatesGetTheAddressDomain() {
    MailSettings s = registry.lookup("inbox.lt").orElseThrow().settings("ian@inbox.lt", Credentials.password("x", "y"), Protocol.IMAP);
    assertThat(s.server().host()).isEqualTo("mail.inbox.lt");
  }

  @Test
  void lookupIgnoresLetterCase() {
    assertThat(registry.lookup("ALICE@ICloud.COM")).map(MailProvider::id).contains("icloud");
    assertThat(registry.lookup("GMAIL.com")).map(MailProvider::id).contains("gmail");
    assertThat(registry.lookup("gmail.com.")).map(MailProvider::id).contains("gmail");
  }

  @Test
  void everyBuiltInDomainIsFoundInAnyLetterCase() {
    List<String> domains = registry.providers().stream().flatMap(p -> p.domains().stream()).collect(Collectors.toList());
    qt().forAll(integers().between(0, domains.size() - 1), integers().all()).checkAssert((index, seed) -> {
      String d = domains.get(index);
      StringBuilder mixed = new StringBuilder();
      for (int i = 0; i < d.length(); i++) {
        char c = d.charAt(i);
        mixed.append(((seed >> (i % 31)) & 1) == 1 ? Character.toUpperCase(c) : c);
      }
      assertThat(registry.lookup("user@" + mixed)).map(MailProvider::domains).hasValueSatisfying(ds -> assertThat(ds).contains(d));
    });
  }

  @Test
  void unicodeAndPunycodeDomainsFindTheSameProvider() {
    MailProvider p = MailProvider.builder("buecher").name("Bücher Mail").domains("bücher.example")
        .server(ProviderServer.of(Protocol.IMAP, "imap.xn--bcher-kva.example", Security.TLS)).build();
    MailProviders custom = MailProviders.of(List.of(p));

    assertThat(p.domains()).containsExactly("xn--bcher-kva.example");
    assertThat(custom.lookup("anna@bücher.example")).contains(p);
    assertThat(custom.lookup("anna@BÜCHER.example")).contains(p);
    assertThat(custom.lookup("anna@xn--bcher-kva.example")).contains(p);
    assertThat(custom.lookup("XN--BCHER-KVA.EXAMPLE")).contains(p);
  }

  @Test
  void neverMatchesAParentOrSubdomain() {
    assertThat(registry.lookup("someone@mail.gmail.com")).isEmpty();
    assertThat(registry.lookup("gmail.com.evil.example")).isEmpty();
    assertThat(registry.lookup("notgmail.com")).isEmpty();
    assertThat(registry.lookup("co.uk")).isEmpty();
    assertThat(registry.lookup("com")).isEmpty();
    // MX-only domains identify a provider during autodiscovery, not in a lookup.
    assertThat(registry.lookup("mail.protection.outlook.com")).isEmpty();
  }

  @Test
  void rejectsSomethingThatIsNeitherAnAddressNorADomain() {
    assertThatThrownBy(() -> registry.lookup("not an address@")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> registry.lookup(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a domain");
  }

  @Test
  void builtInEntriesAreConsistent() {
    Set<String> ids = registry.providers().stream().map(MailProvider::id).collect(Collectors.toSet());
    assertThat(ids).hasSize(registry.providers().size());
    for (MailProvider p : registry.providers()) {
      assertThat(p.incoming()).as(p.id()).allSatisfy(s -> assertThat(s.protocol().isIncoming()).isTrue());
      assertThat(p.outgoing()).as(p.id()).allSatisfy(s -> assertThat(s.protocol()).isEqualTo(Protocol.SMTP));
      List<ProviderServer> all = new java.util.ArrayList<>(p.incoming());
      all.addAll(p.outgoing());
      assertThat(all).as(p.id() + " never offers plaintext").noneMatch(s -> s.security() == Security.NONE);
      if (p.offersAccess()) {
        assertThat(p.supports(Protocol.IMAP) || p.supports(Protocol.POP3)).as(p.id()).isTrue();
      }
    }
  }

  @Test
  void unverifiedEntriesAreMarked() {
    Map<String, Boolean> verified = registry.providers().stream().collect(Collectors.toMap(MailProvider::id, MailProvider::verified));
    assertThat(verified).containsEntry("gmail", true).containsEntry("sina", false).containsEntry("interia", false)
        .containsEntry("mailbox-org", false);
  }

  @Test
  void parseReportsTheLineOfEachError() {
    assertThatThrownBy(() -> parse("[a]\nname = A\ncolour = blue\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("test.txt:3: unknown key \"colour\"");
    assertThatThrownBy(() -> parse("[a]\nname = A\ndomains = a.example\nimap = imap.a.example:99999 tls address\n"))
        .hasMessageStartingWith("test.txt:4: ").hasMessageContaining("port must be 1..65535, was 99999");
    assertThatThrownBy(() -> parse("[a]\nname = A\ndomains = a.example\nimap = imap.a.example:993 ssl address\n"))
        .hasMessageContaining("test.txt:4: security must be tls, starttls or none, was \"ssl\"");
    assertThatThrownBy(() -> parse("name = A\n")).hasMessageContaining("test.txt:1:").hasMessageContaining("before the first [id]");
    assertThatThrownBy(() -> parse("[a]\ndomains = a.example\nimap = imap.a.example:993 tls address\nauth = password\nsource = ispdb\n"))
        .hasMessageContaining("test.txt:1:").hasMessageContaining("\"name\" is missing");
    String one = "name = X\ndomains = same.example\nimap = imap.same.example:993 tls address\nauth = password\nsource = ispdb\n";
    assertThatThrownBy(() -> parse("[a]\n" + one + "[b]\n" + one))
        .hasMessageContaining("domain same.example of \"b\" already belongs to \"a\"");
    assertThatThrownBy(() -> parse("[a]\nname = A\ndomains = a.example\naccess = none\nimap = imap.a.example:993 tls address\nauth = not-offered\nsource = unverified\n"))
        .hasMessageContaining("access NONE but lists servers");
  }

  @Test
  void parseReadsACustomRegistry() {
    MailProviders custom = parse("# mine\n[corp]\nname = Corp Mail\ndomains = corp.example\n"
        + "imap = mail.corp.example:993 tls %EMAILLOCALPART%.%EMAILDOMAIN%\nsmtp = mail.corp.example:587 starttls address\n"
        + "auth = password\nnote = Ask IT first. | https://it.corp.example/mail\nsource = provider\n");
    MailProvider corp = custom.lookup("jo@corp.example").orElseThrow();
    assertThat(corp.server(Protocol.IMAP).orElseThrow().username(dev.satchel.mail.EmailAddress.of("jo@corp.example")))
        .isEqualTo("jo.corp.example");
    assertThat(corp.setupNotes()).containsExactly(SetupNote.of("Ask IT first.", "https://it.corp.example/mail"));
    assertThat(corp.verified()).isTrue();
  }

  @Test
  void customProvidersPutFirstTakeOverTheirDomains() {
    MailProvider mine = MailProvider.builder("my-gmail").name("Gmail via proxy").domains("gmail.com")
        .server(ProviderServer.of(Protocol.IMAP, "imap-proxy.example", Security.TLS)).build();
    MailProviders merged = registry.withFirst(List.of(mine));
    assertThat(merged.lookup("gmail.com")).contains(mine);
    assertThat(merged.lookup("googlemail.com")).map(MailProvider::id).contains("gmail");
  }

  @Test
  void toStringShowsNoSecret() {
    MailSettings s = registry.lookup("gmail.com").orElseThrow().settings("a@gmail.com", Credentials.password("a", "s3cr3t!"), Protocol.IMAP);
    assertThat(s.toString()).doesNotContain("s3cr3t!");
    assertThat(registry.toString().toLowerCase(Locale.ROOT)).contains("providers");
  }

  private static MailProviders parse(String text) {
    return MailProviders.parse(new StringReader(text), "test.txt");
  }
}
