package dev.satchel.mail.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AutodiscoveryTest {
  private static final String DOMAIN = "example.test";
  private static final String ADDRESS = "alice@example.test";
  private static final URI AUTOCONFIG = URI.create("https://autoconfig.example.test/mail/config-v1.1.xml");
  private static final URI WELL_KNOWN = URI.create("https://example.test/.well-known/autoconfig/mail/config-v1.1.xml");
  private static final URI ISPDB_BASE = URI.create("https://ispdb.test/v1.1/");
  private static final URI ISPDB = URI.create("https://ispdb.test/v1.1/example.test");

  private final FakeHttp http = new FakeHttp();
  private final FakeDns dns = new FakeDns();
  private final List<ServerSocket> listeners = new CopyOnWriteArrayList<>();

  @AfterEach
  void release() throws IOException {
    http.release.countDown();
    dns.release.countDown();
    for (ServerSocket s : listeners) {
      s.close();
    }
  }

  private Autodiscovery.Builder discovery() {
    return Autodiscovery.builder().http(http).dns(dns).ispdbBaseUrl(ISPDB_BASE).probing(false).deadline(Duration.ofSeconds(30));
  }

  static String xml(String host) {
    return AutoconfigTest.config("<domain>" + DOMAIN + "</domain>"
        + "<incomingServer type=\"imap\"><hostname>" + host + "</hostname><port>993</port><socketType>SSL</socketType>"
        + "<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>"
        + "<outgoingServer type=\"smtp\"><hostname>" + host + "</hostname><port>465</port><socketType>SSL</socketType>"
        + "<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>", "");
  }

  @Test
  void registryAnswersFirstWithoutAnyNetwork() {
    Optional<Discovery> d = discovery().build().discover("bob@gmail.com");

    assertThat(d).hasValueSatisfying(x -> {
      assertThat(x.source()).isEqualTo(DiscoverySource.REGISTRY);
      assertThat(x.provider().id()).isEqualTo("gmail");
      assertThat(x.trusted()).isTrue();
    });
    assertThat(http.requested).isEmpty();
    assertThat(dns.asked).isEmpty();
  }

  @Test
  void autoconfigStepAlone() {
    http.answer(AUTOCONFIG, 200, xml("imap.example.test"));

    Discovery d = discovery().build().discover(ADDRESS).orElseThrow();

    assertThat(d.source()).isEqualTo(DiscoverySource.AUTOCONFIG);
    assertThat(d.origin()).isEqualTo(AUTOCONFIG.toString());
    assertThat(d.trusted()).isTrue();
    assertThat(d.provider().server(Protocol.IMAP)).map(ProviderServer::host).contains("imap.example.test");
  }

  @Test
  void wellKnownStepAlone() {
    http.answer(WELL_KNOWN, 200, xml("mail.hoster.example"));

    Discovery d = discovery().build().discover(ADDRESS).orElseThrow();

    assertThat(d.source()).isEqualTo(DiscoverySource.WELL_KNOWN);
    assertThat(d.trusted()).as("the domain itself named these servers over HTTPS").isTrue();
  }

  @Test
  void ispdbStepAloneUsesTheConfiguredBaseUrl() {
    http.answer(ISPDB, 200, xml("imap.example.test"));

    Discovery d = discovery().build().discover(ADDRESS).orElseThrow();

    assertThat(d.source()).isEqualTo(DiscoverySource.ISPDB);
    assertThat(d.trusted()).as("every server is inside example.test").isTrue();
  }

  @Test
  void ispdbAnswerPointingElsewhereIsNotTrusted() {
    http.answer(ISPDB, 200, xml("imap.other-company.example"));

    Discovery d = discovery().build().discover(ADDRESS).orElseThrow();

    assertThat(d.source()).isEqualTo(DiscoverySource.ISPDB);
    assertThat(d.trusted()).isFalse();
  }

  @Test
  void ispdbCanBeSwitchedOff() {
    http.answer(ISPDB, 200, xml("imap.example.test"));

    assertThat(discovery().ispdb(false).build().discover(ADDRESS)).isEmpty();
    assertThat(http.requested).noneMatch(u -> u.getHost().equals("ispdb.test"));
  }

  @Test
  void mxStepMapsToAKnownProvider() {
    dns.mx.put(DOMAIN, List.of(new DnsResolver.MxRecord(20, "alt1.aspmx.l.google.com."), new DnsResolver.MxRecord(10, "aspmx.l.google.com.")));

    Discovery d = discovery().build().discover(ADDRESS).orElseThrow();

    assertThat(d.source()).isEqualTo(DiscoverySource.MX);
    assertThat(d.provider().id()).isEqualTo("gmail");
    assertThat(d.origin()).contains("aspmx.l.google.com").contains("google.com");
    assertThat(d.trusted()).as("the servers are Google's, not example.test's").isFalse();
  }

  @Test
  void mxStepTellsMicrosoft365FromOutlookCom() {
    dns.mx.put(DOMAIN, List.of(new DnsResolver.MxRecord(0, "example-test.mail.protection.outlook.com")));
    assertThat(discovery().build().discover(ADDRESS)).map(d -> d.provider().id()).contains("microsoft365");
  }

  @Test
  void mxStepFallsBackToIspdbByTheMxDomain() {
    dns.mx.put(DOMAIN, List.of(new DnsResolver.MxRecord(10, "mx1.hoster.example")));
    http.answer(URI.create("https://ispdb.test/v1.1/hoster.example"), 200, xml("imap.hoster.example"));

    Discovery d = discovery().build().discover(ADDRESS).orElseThrow();

    assertThat(d.source()).isEqualTo(DiscoverySource.MX);
    assertThat(d.provider().server(Protocol.IMAP)).map(ProviderServer::host).contains("imap.hoster.example");
    assertThat(d.trusted()).isFalse();
  }

  @Test
  void srvStepAlone() {
    dns.srv.put("_imaps._tcp." + DOMAIN, List.of(new DnsResolver.SrvRecord(10, 0, 993, "imap.example.test.")));
    dns.srv.put("_pop3s._tcp." + DOMAIN, List.of(new DnsResolver.SrvRecord(20, 0, 995, "pop.example.test.")));
    dns.srv.put("_pop3._tcp." + DOMAIN, List.of(new DnsResolver.SrvRecord(0, 0, 0, ".")));
    dns.srv.put("_submission._tcp." + DOMAIN, List.of(new DnsResolver.SrvRecord(10, 0, 587, "smtp.example.test.")));

    Discovery d = discovery().build().discover(ADDRESS).orElseThrow();

    assertThat(d.source()).isEqualTo(DiscoverySource.SRV);
    assertThat(d.provider().incoming()).containsExactly(
        new ProviderServer(Protocol.IMAP, "imap.example.test", 993, Security.TLS, UsernameForm.FULL_ADDRESS),
        new ProviderServer(Protocol.POP3, "pop.example.test", 995, Security.TLS, UsernameForm.FULL_ADDRESS));
    assertThat(d.provider().outgoing()).containsExactly(
        new ProviderServer(Protocol.SMTP, "smtp.example.test", 587, Security.STARTTLS, UsernameForm.FULL_ADDRESS));
    assertThat(d.trusted()).isTrue();
  }

  @Test
  void probeStepFindsLoopbackListeners() throws IOException {
    int imap = listen("* OK ready", Map.of("s1 CAPABILITY", "* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\ns1 OK done"));
    int smtp = listen("220 smtp ready", Map.of("EHLO satchel.invalid", "250-smtp.example.test\r\n250-STARTTLS\r\n250 AUTH PLAIN"));
    int pop = listen("+OK pop ready", Map.of("CAPA", "+OK\r\nUIDL\r\nUSER\r\n."));  // no STLS: must not be chosen
    int closed = closedPort();
    Autodiscovery a = discovery().probing(true).probeTimeout(Duration.ofSeconds(5))
        .probeAddresses((host, port) -> {
          int target = host.equals("imap.example.test") && port == 143 ? imap
              : host.equals("smtp.example.test") && port == 587 ? smtp
              : host.equals("pop.example.test") && port == 110 ? pop : closed;
          return new InetSocketAddress(InetAddress.getLoopbackAddress(), target);
        }).build();

    Discovery d = a.discover(ADDRESS).orElseThrow();

    assertThat(d.source()).isEqualTo(DiscoverySource.PROBE);
    assertThat(d.provider().incoming()).containsExactly(ProviderServer.of(Protocol.IMAP, "imap.example.test", Security.STARTTLS));
    assertThat(d.provider().outgoing()).containsExactly(ProviderServer.of(Protocol.SMTP, "smtp.example.test", Security.STARTTLS));
  }

  @Test
  void probeRejectsAServerThatDoesNotOfferStarttls() throws IOException {
    int imap = listen("* OK ready", Map.of("s1 CAPABILITY", "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\ns1 OK done"));
    int closed = closedPort();
    Autodiscovery a = discovery().probing(true)
        .probeAddresses((host, port) -> new InetSocketAddress(InetAddress.getLoopbackAddress(),
            host.equals("imap.example.test") && port == 143 ? imap : closed)).build();

    assertThat(a.discover(ADDRESS)).isEmpty();
  }

  @Test
  void higherPriorityWinsWhenSeveralAnswer() {
    http.answer(AUTOCONFIG, 200, xml("from-autoconfig.example.test"));
    http.answer(WELL_KNOWN, 200, xml("from-well-known.example.test"));
    http.answer(ISPDB, 200, xml("from-ispdb.example.test"));
    dns.srv.put("_imaps._tcp." + DOMAIN, List.of(new DnsResolver.SrvRecord(10, 0, 993, "from-srv.example.test")));
    dns.mx.put(DOMAIN, List.of(new DnsResolver.MxRecord(10, "aspmx.l.google.com")));

    assertThat(discovery().build().discover(ADDRESS)).map(Discovery::source).contains(DiscoverySource.AUTOCONFIG);

    http.answer(AUTOCONFIG, 404, "not here");
    assertThat(discovery().build().discover(ADDRESS)).map(Discovery::source).contains(DiscoverySource.WELL_KNOWN);

    http.answer(WELL_KNOWN, 500, "oops");
    assertThat(discovery().build().discover(ADDRESS)).map(Discovery::source).contains(DiscoverySource.ISPDB);

    http.answer(ISPDB, 404, "");
    assertThat(discovery().build().discover(ADDRESS)).map(Discovery::source).contains(DiscoverySource.MX);

    dns.mx.clear();
    assertThat(discovery().build().discover(ADDRESS)).map(Discovery::source).contains(DiscoverySource.SRV);
  }

  @Test
  void aLowerPriorityAnswerWaitsForAHigherOneStillRunning() throws Exception {
    http.hang(AUTOCONFIG);
    http.answer(ISPDB, 200, xml("from-ispdb.example.test"));
    Autodiscovery a = discovery().build();

    var result = new java.util.concurrent.CompletableFuture<Optional<Discovery>>();
    Thread t = new Thread(() -> result.complete(a.discover(ADDRESS)));
    t.setDaemon(true);
    t.start();
    assertThat(http.started.get(AUTOCONFIG).await(10, TimeUnit.SECONDS)).isTrue();
    // Autoconfig is still hanging: the ISPDB answer must not be taken yet.
    assertThat(result).isNotDone();

    http.answer(AUTOCONFIG, 200, xml("from-autoconfig.example.test"));
    http.release.countDown();
    assertThat(result.get(20, TimeUnit.SECONDS)).map(Discovery::source).contains(DiscoverySource.AUTOCONFIG);
  }

  @Test
  void deadlineReturnsTheBestAnswerWhenAStepHangs() {
    http.hang(AUTOCONFIG);
    dns.hangMx = true;
    http.answer(ISPDB, 200, xml("imap.example.test"));

    Optional<Discovery> d = discovery().deadline(Duration.ofSeconds(2)).build().discover(ADDRESS);

    assertThat(d).map(Discovery::source).contains(DiscoverySource.ISPDB);
  }

  @Test
  void deadlineGivesEmptyWhenEverythingHangs() {
    http.hang(AUTOCONFIG);
    http.hang(WELL_KNOWN);
    http.hang(ISPDB);
    dns.hangMx = true;
    dns.hangSrv = true;

    assertThat(discovery().deadline(Duration.ofMillis(500)).build().discover(ADDRESS)).isEmpty();
  }

  @Test
  void malformedAnswersAreSkipped() {
    http.answer(AUTOCONFIG, 200, "<clientConfig><emailProvider>");                       // not well-formed
    http.answer(WELL_KNOWN, 200, "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><clientConfig>&e;</clientConfig>");
    http.answer(ISPDB, 200, AutoconfigTest.config("<domain>" + DOMAIN + "</domain>"
        + "<incomingServer type=\"imap\"><hostname>imap.example.test</hostname><port>99999</port><socketType>SSL</socketType></incomingServer>", ""));
    dns.srv.put("_imaps._tcp." + DOMAIN, List.of(new DnsResolver.SrvRecord(10, 0, 70000, "bad-port.example.test"),
        new DnsResolver.SrvRecord(20, 0, 993, "imap.example.test")));
    dns.failMx = true;

    Discovery d = discovery().build().discover(ADDRESS).orElseThrow();

    assertThat(d.source()).isEqualTo(DiscoverySource.SRV);
    assertThat(d.provider().incoming()).extracting(ProviderServer::host).containsExactly("imap.example.test");
  }

  @Test
  void plaintextServersAreDroppedUnlessAllowed() {
    http.answer(AUTOCONFIG, 200, AutoconfigTest.config("<domain>" + DOMAIN + "</domain>"
        + "<incomingServer type=\"pop3\"><hostname>pop.example.test</hostname><port>110</port><socketType>plain</socketType></incomingServer>", ""));

    assertThat(discovery().build().discover(ADDRESS)).isEmpty();
    assertThat(discovery().allowPlaintext(true).build().discover(ADDRESS))
        .hasValueSatisfying(d -> assertThat(d.provider().incoming()).extracting(ProviderServer::security).containsExactly(Security.NONE));
  }

  @Test
  void theAddressIsNotSentAnywhereByDefault() {
    dns.mx.put(DOMAIN, List.of(new DnsResolver.MxRecord(10, "mx.hoster.example")));
    discovery().build().discover(ADDRESS);

    assertThat(http.requested).isNotEmpty().allSatisfy(u -> assertThat(u.toString()).doesNotContain("alice").doesNotContain("%40"));
  }

  @Test
  void sendingTheAddressIsOptInAndOnlyToTheOwnDomain() {
    dns.mx.put(DOMAIN, List.of(new DnsResolver.MxRecord(10, "mx.hoster.example")));
    discovery().sendAddress(true).build().discover(ADDRESS);

    assertThat(http.requested).filteredOn(u -> u.toString().contains("alice"))
        .containsExactly(URI.create(AUTOCONFIG + "?emailaddress=alice%40example.test"));
  }

  private int listen(String greeting, Map<String, String> replies) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    listeners.add(server);
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          s.setSoTimeout(10_000);
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
          OutputStream out = s.getOutputStream();
          out.write((greeting + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          String line;
          while ((line = in.readLine()) != null) {
            String reply = replies.get(line);
            if (reply == null) {
              break;
            }
            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
          }
        } catch (IOException e) {
          // next connection, or closed
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return server.getLocalPort();
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** HTTP that answers from a table, records what was asked, and can hang until released. */
  static final class FakeHttp implements HttpFetcher {
    final Map<URI, Response> answers = new ConcurrentHashMap<>();
    final Map<URI, CountDownLatch> started = new ConcurrentHashMap<>();
    final List<URI> requested = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);

    void answer(URI uri, int status, String body) {
      answers.put(uri, new Response(status, body.getBytes(StandardCharsets.UTF_8)));
    }

    void hang(URI uri) {
      started.put(uri, new CountDownLatch(1));
    }

    @Override
    public Response get(URI uri, Duration timeout) throws IOException, InterruptedException {
      requested.add(uri);
      CountDownLatch hanging = started.get(uri);
      if (hanging != null) {
        hanging.countDown();
        release.await(60, TimeUnit.SECONDS);
      }
      Response r = answers.get(uri);
      if (r == null) {
        throw new IOException("no route to " + uri.getHost() + " (offline test)");
      }
      return r;
    }
  }

  /** DNS from tables; can fail or hang until released. */
  static final class FakeDns implements DnsResolver {
    final Map<String, List<MxRecord>> mx = new ConcurrentHashMap<>();
    final Map<String, List<SrvRecord>> srv = new ConcurrentHashMap<>();
    final List<String> asked = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean hangMx;
    volatile boolean hangSrv;
    volatile boolean failMx;

    @Override
    public List<MxRecord> mx(String domain) throws IOException {
      asked.add("MX " + domain);
      if (failMx) {
        throw new IOException("SERVFAIL");
      }
      await(hangMx);
      return mx.getOrDefault(domain, List.of());
    }

    @Override
    public List<SrvRecord> srv(String name) {
      asked.add("SRV " + name);
      await(hangSrv);
      return new ArrayList<>(srv.getOrDefault(name, List.of()));
    }

    private void await(boolean hang) {
      if (hang) {
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
