package dev.satchel.mail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {
  private static final String PASSWORD = "doctor-secret";
  private static TestMailServer server;
  private static TestUser alice;
  private static Path pem;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    server = TestMailServer.start();
    alice = server.createUser("alice@satchel.test", PASSWORD);
    pem = TestCerts.savePem(server.port(Protocol.IMAP, Security.TLS), dir.resolve("server.pem"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String spec(Protocol protocol, Security security) {
    return protocol.name().toLowerCase(Locale.ROOT) + ":127.0.0.1:" + server.port(protocol, security) + ":"
        + security.name().toLowerCase(Locale.ROOT);
  }

  private static Cli.Result doctor(String password, String... args) {
    List<String> all = new ArrayList<>(List.of("doctor", alice.address(), "--timeout", "5s"));
    all.addAll(List.of(args));
    Cli cli = new Cli();
    if (password != null) {
      cli.env("SATCHEL_PASSWORD", password);
    }
    return cli.run(all.toArray(String[]::new));
  }

  @Test
  void tlsServersPassEveryCheckWithTheRightPassword() {
    Cli.Result r = doctor(PASSWORD, "--trust-pem", pem.toString(),
        "--server", spec(Protocol.IMAP, Security.TLS),
        "--server", spec(Protocol.POP3, Security.TLS),
        "--server", spec(Protocol.SMTP, Security.TLS));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
    assertThat(r.out())
        .contains("Settings from: --server")
        .contains("IMAP 127.0.0.1:" + server.port(Protocol.IMAP, Security.TLS) + " (TLS), login alice@satchel.test")
        .containsPattern("ok\\s+DNS\\s+127\\.0\\.0\\.1")
        .containsPattern("ok\\s+TCP\\s+connected")
        // the testkit's certificate is valid for 7 days, so the doctor may warn that it expires soon
        .containsPattern("(ok|warn)\\s+TLS\\s+TLSv1\\.[23], certificate for .*127\\.0\\.0\\.1.*valid until")
        .containsPattern("info\\s+login methods\\s+LOGIN")
        .containsPattern("ok\\s+greeting\\s+\\* OK")
        .containsPattern("ok\\s+capabilities\\s+.*IMAP4REV1")
        .containsPattern("ok\\s+greeting\\s+\\+OK")
        .containsPattern("ok\\s+greeting\\s+220")
        .containsPattern("ok\\s+login\\s+logged in as alice@satchel\\.test")
        .containsPattern("info\\s+quota\\s+")
        .contains("All checks passed");
    assertThat(r.out()).doesNotContain(PASSWORD);
  }

  @Test
  void plainServersPassAndSayThatPlaintextIsOnlyFineOnThisMachine() {
    Cli.Result r = doctor(PASSWORD, "--server", spec(Protocol.IMAP, Security.NONE), "--server",
        spec(Protocol.SMTP, Security.NONE));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
    assertThat(r.out())
        .containsPattern("info\\s+encryption\\s+none \\(plaintext\\), acceptable only because the server is on this machine")
        .containsPattern("ok\\s+login\\s+logged in")
        .doesNotContain("TLSv1");
  }

  @Test
  void wrongPasswordFailsTheLoginWithAFix() {
    Cli.Result r = doctor("wrong-password", "--trust-pem", pem.toString(), "--server", spec(Protocol.IMAP, Security.TLS));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.PROBLEMS);
    assertThat(r.out())
        .containsPattern("(ok|warn)\\s+TLS")
        .containsPattern("FAIL\\s+login\\s+refused for alice@satchel\\.test")
        .contains("fix: check the password and the login name")
        .contains("1 check failed.");
    assertThat(r.out() + r.err()).doesNotContain("wrong-password");
  }

  @Test
  void withoutPasswordTheLoginIsSkippedAndSaysHowToGiveOne() {
    Cli.Result r = doctor(null, "--server", spec(Protocol.POP3, Security.NONE));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
    assertThat(r.out()).containsPattern("skip\\s+login\\s+not tried: no password \\(set SATCHEL_PASSWORD");
  }

  @Test
  void passwordCanComeFromStandardInput() {
    Cli.Result r = new Cli().stdin(PASSWORD + "\n").run("doctor", alice.address(), "--timeout", "5s",
        "--password-stdin", "--server", spec(Protocol.IMAP, Security.NONE));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
    assertThat(r.out()).containsPattern("ok\\s+login\\s+logged in");
  }

  @Test
  void selfSignedCertificateWithoutTrustIsExplained() {
    Cli.Result r = doctor(PASSWORD, "--server", spec(Protocol.IMAP, Security.TLS));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.PROBLEMS);
    assertThat(r.out())
        .containsPattern("FAIL\\s+TLS\\s+the certificate for .* is not trusted by the JDK's default trust store")
        .contains("fix: if this is your own server, save its certificate as a PEM file and pass --trust-pem FILE")
        .doesNotContainPattern("(ok|FAIL|skip)\\s+login");
  }

  @Test
  void tlsOnAPlainPortSaysTheServerDidNotAnswerWithTls() {
    Cli.Result r = doctor(PASSWORD, "--trust-pem", pem.toString(),
        "--server", "imap:127.0.0.1:" + server.port(Protocol.IMAP, Security.NONE) + ":tls");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.PROBLEMS);
    assertThat(r.out()).containsPattern("FAIL\\s+TLS\\s+");
  }

  @Test
  void missingStartTlsIsAFailureNotADowngrade() {
    Cli.Result r = doctor(PASSWORD, "--server", "smtp:127.0.0.1:" + server.port(Protocol.SMTP, Security.NONE) + ":starttls");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.PROBLEMS);
    assertThat(r.out())
        .containsPattern("FAIL\\s+STARTTLS\\s+the server does not offer STARTTLS; satchel never falls back to plaintext")
        .doesNotContain("logged in");
  }

  @Test
  void refusedPortSaysNothingListensThere() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Cli.Result r = doctor(PASSWORD, "--server", "imap:127.0.0.1:" + port + ":tls");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.PROBLEMS);
    assertThat(r.out())
        .containsPattern("FAIL\\s+TCP\\s+connection refused: nothing listens on 127\\.0\\.0\\.1:" + port)
        .contains("fix: check the port (IMAP: 993 with TLS, 143 with STARTTLS)");
  }

  @Test
  void hangingPortFailsWithinTheTimeout() throws Exception {
    try (Hanging hanging = new Hanging()) {
      Cli.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> new Cli().env("SATCHEL_PASSWORD", PASSWORD)
          .run("doctor", alice.address(), "--timeout", "1s",
              "--server", "imap:127.0.0.1:" + hanging.port() + ":none",
              "--server", "pop3:127.0.0.1:" + hanging.port() + ":tls"));

      assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.PROBLEMS);
      assertThat(r.out())
          .containsPattern("ok\\s+TCP\\s+connected")
          .containsPattern("FAIL\\s+greeting\\s+connected, but the server said nothing within 1 s")
          .containsPattern("FAIL\\s+TLS\\s+the TLS handshake got no answer within 1 s")
          .contains("2 checks failed.");
    }
  }

  @Test
  void anOAuth2OnlyAccountWithAPasswordIsToldItNeedsOAuth2AndNoPasswordIsSent() {
    Cli.Result r = new Cli().env("SATCHEL_PASSWORD", PASSWORD).run("doctor", "erin@hotmail.com", "--timeout", "5s",
        "--server", spec(Protocol.IMAP, Security.NONE), "--server", spec(Protocol.SMTP, Security.NONE));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.PROBLEMS);
    assertThat(r.out())
        .contains("Login with: OAuth2 only (no password)")
        .containsPattern("FAIL\\s+password\\s+this account needs OAuth2 rather than a password: Outlook\\.com .* refuses password"
            + " logins, so satchel does not send the password you gave")
        .contains("fix: run `satchel login erin@hotmail.com` to sign in with OAuth2; `satchel providers erin@hotmail.com` shows"
            + " the OAuth2 endpoints, scopes and what to register first")
        .containsPattern("ok\\s+greeting\\s+\\* OK")
        .containsPattern("skip\\s+login\\s+not tried: Outlook\\.com .* accepts only OAuth2, not a password")
        .doesNotContain("logged in")
        .doesNotContain("refused for")
        .contains("1 check failed.");
    assertThat(r.out().lines().filter(l -> l.contains("skip  login"))).hasSize(2);
    assertThat(r.out() + r.err()).doesNotContain(PASSWORD);
  }

  @Test
  void anOAuth2OnlyAccountWithoutAPasswordIsToldHowToSignIn() {
    Cli oauth2 = new Cli();
    Cli plain = new Cli();
    Cli.Result r = oauth2.run("doctor", "erin@onmicrosoft.com", "--timeout", "5s", "--ask-password",
        "--server", spec(Protocol.IMAP, Security.NONE));
    plain.run("doctor", alice.address(), "--timeout", "5s", "--ask-password", "--server", spec(Protocol.IMAP, Security.NONE));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
    assertThat(r.out())
        .containsPattern("info\\s+password\\s+this account needs OAuth2 rather than a password: Microsoft 365 .* refuses"
            + " password logins; run `satchel login erin@onmicrosoft.com` to sign in with OAuth2")
        .containsPattern("skip\\s+login\\s+not tried: Microsoft 365 .* accepts only OAuth2");
    assertThat(oauth2.prompts()).as("no password prompt for an OAuth2-only account").isEmpty();
    assertThat(plain.prompts()).as("a password account is asked").hasSize(1);
  }

  @Test
  void anAppPasswordOrAuthorizationCodeAccountIsToldWhatThePasswordMustBe() {
    server.createUser("gina@gmail.com", PASSWORD);
    server.createUser("hu@qq.com", PASSWORD);

    Cli.Result gmail = new Cli().env("SATCHEL_PASSWORD", PASSWORD).run("doctor", "gina@gmail.com", "--timeout", "5s",
        "--server", spec(Protocol.IMAP, Security.NONE));
    Cli.Result qq = new Cli().env("SATCHEL_PASSWORD", PASSWORD).run("doctor", "hu@qq.com", "--timeout", "5s",
        "--server", spec(Protocol.IMAP, Security.NONE));

    assertThat(gmail.exitCode()).as(gmail.toString()).isEqualTo(ExitCodes.OK);
    assertThat(gmail.out())
        .contains("Login with: an app password")
        .containsPattern("info\\s+password\\s+the password must be an app password \\(https://myaccount\\.google\\.com/apppasswords\\):"
            + " Gmail refuses the account password from mail programs; or run `satchel login gina@gmail\\.com` to sign in"
            + " with OAuth2")
        .containsPattern("ok\\s+login\\s+logged in as gina@gmail\\.com");
    assertThat(qq.exitCode()).as(qq.toString()).isEqualTo(ExitCodes.OK);
    assertThat(qq.out())
        .containsPattern("info\\s+password\\s+the password must be the authorization code issued in the web settings"
            + " \\(https://mail\\.qq\\.com/\\): QQ Mail refuses the account password from mail programs(?m)$")
        .containsPattern("ok\\s+login\\s+logged in as hu@qq\\.com");
  }

  @Test
  void notAnAddressIsAUsageError() {
    Cli.Result r = new Cli().run("doctor", "not-an-address", "--no-discovery");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("\"not-an-address\" is not an email address");
  }

  @Test
  void unknownDomainWithoutDiscoveryExplainsWhatToDo() {
    Cli.Result r = new Cli().run("doctor", "bob@unknown.invalid", "--no-discovery");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(r.err()).contains("does not know unknown.invalid").contains("--server");
  }

  /** A loopback server that accepts connections and never sends a byte. */
  private static final class Hanging implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket();
    private final List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread acceptor;

    Hanging() throws IOException {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      acceptor = new Thread(() -> {
        try {
          while (true) {
            accepted.add(socket.accept());
          }
        } catch (IOException e) {
          // closed
        }
      }, "hanging-acceptor");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws Exception {
      socket.close();
      for (Socket s : accepted) {
        s.close();
      }
      acceptor.join(10_000);
    }
  }
}
