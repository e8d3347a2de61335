package dev.satchel.mail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.oauth2.TokenStore;
import dev.satchel.mail.oauth2.testserver.OAuth2TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * list, send and doctor log in with the login {@code satchel login} stored: the refresh token is
 * exchanged at the authorization server and the mail server gets an access token it verifies there.
 */
class StoredLoginTest {
  private static final String ALICE = "alice@example.test";
  private static OAuth2TestServer server;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    server = OAuth2TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private Path tokenFile() {
    return dir.resolve("tokens.json");
  }

  private Cli cli() {
    return LoginCommandTest.cli(server, tokenFile());
  }

  @BeforeEach
  void logIn() {
    Cli.Result r = cli().browser(new TestBrowser(server, ALICE)).run(LoginCommandTest.browserLogin(server, ALICE));
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void listAndSendLogInWithTheStoredRefreshTokenAndSaveTheRotatedOne() throws Exception {
    TokenStore tokens = TokenStore.file(tokenFile());
    String first = tokens.refreshToken(ALICE).orElseThrow();
    int refreshes = server.tokenRequests("refresh_token");

    try (BearerMailServer imap = BearerMailServer.imap(server); BearerMailServer smtp = BearerMailServer.smtp(server)) {
      Cli.Result list = cli().run("list", ALICE, "--server", "imap:127.0.0.1:" + imap.port() + ":none");
      Cli.Result send = cli().run("send", ALICE, "--server", "smtp:127.0.0.1:" + smtp.port() + ":none",
          "--to", "bob@example.test", "--subject", "Sent with OAuth2", "--text", "Hello Bob");

      assertThat(list.exitCode()).as(list.toString()).isZero();
      assertThat(list.out()).isEqualTo("0 messages in INBOX\n");
      assertThat(imap.accepted).containsExactly(ALICE);
      assertThat(send.exitCode()).as(send.toString()).isZero();
      assertThat(smtp.accepted).containsExactly(ALICE);
      assertThat(smtp.refused).isEmpty();
      assertThat(smtp.messages).singleElement().asString().contains("Subject: Sent with OAuth2");
    }
    assertThat(server.tokenRequests("refresh_token")).as("one refresh per command").isEqualTo(refreshes + 2);
    assertThat(tokens.refreshToken(ALICE)).as("the rotated refresh token was saved").isPresent().get().isNotEqualTo(first);
  }

  @Test
  void doctorChecksTheLoginWithTheStoredToken() throws Exception {
    try (BearerMailServer imap = BearerMailServer.imap(server)) {
      Cli.Result r = cli().run("doctor", ALICE, "--server", "imap:127.0.0.1:" + imap.port() + ":none", "--timeout", "5s");

      assertThat(r.out()).as(r.toString())
          .containsPattern("info\\s+login\\s+OAuth2, with the login of `satchel login` \\(client desktop-client, browser"
              + " sign-in at \\S+; refresh token in " + java.util.regex.Pattern.quote(tokenFile().toString()) + "\\)")
          .containsPattern("ok\\s+login\\s+logged in as alice@example\\.test with OAuth2");
      assertThat(imap.accepted).containsExactly(ALICE);
    }
  }

  @Test
  void aPasswordOptionWinsOverTheStoredLogin() throws Exception {
    try (BearerMailServer imap = BearerMailServer.imap(server)) {
      Cli.Result r = cli().stdin("a-password\n").run("list", ALICE, "--server", "imap:127.0.0.1:" + imap.port() + ":none",
          "--password-stdin");

      assertThat(r.exitCode()).as(r.toString()).isZero(); // the scripted server takes any LOGIN
      assertThat(imap.verbs).contains("LOGIN").doesNotContain("AUTHENTICATE");
    }
  }

  @Test
  void aRevokedLoginSaysToLogInAgain() throws Exception {
    server.revokeRefreshTokens(ALICE);
    try (BearerMailServer imap = BearerMailServer.imap(server)) {
      Cli.Result r = cli().run("list", ALICE, "--server", "imap:127.0.0.1:" + imap.port() + ":none");

      assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.AUTHENTICATION);
      assertThat(r.err()).startsWith("satchel: login refused: ").contains("invalid_grant")
          .endsWith("; run `satchel login alice@example.test` again\n");
    }
  }

  @Test
  void theClientSecretIsReadFromItsVariableAtEveryUse() {
    Cli.Result r = new Cli().env(TokenFileOption.ENV, tokenFile().toString())
        .run("list", ALICE, "--server", "imap:127.0.0.1:1:none");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(r.err()).isEqualTo("satchel: the login of alice@example.test uses client desktop-client, whose secret"
        + " satchel reads from the environment variable " + LoginCommandTest.SECRET_ENV + " (never from a file); set it,"
        + " or run `satchel login alice@example.test` again\n");
  }

  @Test
  void anOAuth2OnlyAccountWithoutALoginIsToldToLogInFirst() {
    Cli.Result r = cli().env("SATCHEL_PASSWORD", "useless").run("list", "erin@outlook.com", "--no-discovery");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(r.err()).isEqualTo("satchel: Outlook.com (Hotmail, Live, MSN) accepts only OAuth2 logins, not passwords:"
        + " run `satchel login erin@outlook.com` first\n");
  }
}
