package dev.satchel.mail.cli;

import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.oauth2.TokenStore;
import dev.satchel.mail.oauth2.testserver.OAuth2TestServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code satchel login} and {@code logout} against a real authorization server on 127.0.0.1. */
class LoginCommandTest {
  static final String SECRET_ENV = "TEST_CLIENT_SECRET";
  /** A JWT (the test server's access tokens) anywhere in a text. */
  private static final Pattern JWT = Pattern.compile("eyJ[\\w-]+\\.eyJ[\\w-]+\\.[\\w-]+");
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
    return dir.resolve("config").resolve("satchel").resolve("tokens.json");
  }

  private Path loginsFile() {
    return tokenFile().resolveSibling("tokens.logins.json");
  }

  private Cli cli() {
    return cli(server, tokenFile());
  }

  static Cli cli(OAuth2TestServer server, Path tokenFile) {
    return new Cli().env(TokenFileOption.ENV, tokenFile.toString()).env(SECRET_ENV, OAuth2TestServer.DESKTOP_CLIENT_SECRET);
  }

  /** {@code satchel login ADDRESS} with the test server's confidential desktop client and scope {@code mail}. */
  static String[] browserLogin(OAuth2TestServer server, String address, String... more) {
    List<String> args = new ArrayList<>(List.of("login", address, "--client-id", OAuth2TestServer.DESKTOP_CLIENT_ID,
        "--client-secret-env", SECRET_ENV, "--authorization-endpoint", server.authorizationEndpoint().toString(),
        "--token-endpoint", server.tokenEndpoint().toString(), "--scope", "mail"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void theBrowserSignInStoresTheRefreshTokenOwnerOnlyAndShowsNoToken() throws Exception {
    TestBrowser browser = new TestBrowser(server, "alice@example.test");

    Cli.Result r = cli().browser(browser).run(browserLogin(server, "alice@example.test"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    URI request = browser.request;
    assertThat(r.out()).contains("Sign in to example.test in your browser").contains("  " + request + "\n")
        .contains("Logged in as alice@example.test at example.test (client desktop-client, scopes mail).")
        .contains("The refresh token is in " + tokenFile() + " (readable by you only)");
    Map<String, String> query = TestBrowser.query(request);
    assertThat(query).containsEntry("client_id", OAuth2TestServer.DESKTOP_CLIENT_ID).containsEntry("scope", "mail")
        .containsEntry("login_hint", "alice@example.test").containsEntry("code_challenge_method", "S256");
    assertThat(URI.create(query.get("redirect_uri")).getHost()).isEqualTo("127.0.0.1");
    assertThat(browser.page.statusCode()).isEqualTo(200);

    String refreshToken = TokenStore.file(tokenFile()).refreshToken("alice@example.test").orElseThrow();
    assertThat(Files.getPosixFilePermissions(tokenFile())).containsExactlyInAnyOrder(OWNER_READ, OWNER_WRITE);
    assertThat(Files.getPosixFilePermissions(loginsFile())).containsExactlyInAnyOrder(OWNER_READ, OWNER_WRITE);
    assertThat(Files.getPosixFilePermissions(tokenFile().getParent()))
        .containsExactlyInAnyOrder(OWNER_READ, OWNER_WRITE, OWNER_EXECUTE);
    assertThat(Files.readString(loginsFile())).contains("\"alice@example.test\"").contains(OAuth2TestServer.DESKTOP_CLIENT_ID)
        .contains("\"clientSecretEnv\" : \"" + SECRET_ENV + "\"").contains(server.tokenEndpoint().toString())
        .contains("\"flow\" : \"browser\"")
        .doesNotContain(OAuth2TestServer.DESKTOP_CLIENT_SECRET).doesNotContain(refreshToken);
    assertThat(r.out() + r.err()).doesNotContain(refreshToken).doesNotContain(OAuth2TestServer.DESKTOP_CLIENT_SECRET)
        .doesNotContainPattern(JWT);
  }

  @Test
  void noBrowserPrintsTheAddressWithoutOpeningOne() {
    AtomicReference<URI> opened = new AtomicReference<>();
    Cli.Result r = cli().browser(uri -> {
      opened.set(uri);
      return true;
    }).run(browserLogin(server, "bob@example.test", "--no-browser", "--timeout", "1s"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.AUTHENTICATION);
    assertThat(opened.get()).isNull();
    assertThat(r.out()).contains("To sign in to example.test, open this address in a browser on this machine:\n  "
        + server.authorizationEndpoint() + "?").contains("Waiting up to 1 s for the sign-in...");
    assertThat(r.err()).startsWith("satchel: login refused: no sign-in came back to http://127.0.0.1:");
    assertThat(tokenFile()).doesNotExist();
  }

  @Test
  void theDeviceFlowPrintsTheCodeAndWaitsForTheApproval() throws Exception {
    Cli cli = cli();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread user = new Thread(() -> {
      try {
        server.approveDevice(awaitUserCode(cli), "carol@example.test");
      } catch (Throwable t) {
        failed.set(t);
      }
    }, "device-user");
    user.start();

    Cli.Result r = cli.run("login", "carol@example.test", "--device", "--client-id", OAuth2TestServer.DEVICE_CLIENT_ID,
        "--device-endpoint", server.deviceAuthorizationEndpoint().toString(),
        "--token-endpoint", server.tokenEndpoint().toString(), "--scope", "mail");
    user.join(30_000);

    assertThat(failed.get()).isNull();
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("To sign in to example.test, open " + server.deviceVerificationEndpoint()
        + " on any device and enter the code ").contains("which has the code filled in").contains("Waiting until ")
        .contains("Logged in as carol@example.test at example.test (client device-client, scopes mail).");
    String refreshToken = TokenStore.file(tokenFile()).refreshToken("carol@example.test").orElseThrow();
    assertThat(Files.readString(loginsFile())).contains("\"flow\" : \"device\"").doesNotContain("clientSecretEnv");
    assertThat(r.out() + r.err()).doesNotContain(refreshToken).doesNotContainPattern(JWT);
  }

  private static String awaitUserCode(Cli cli) throws InterruptedException {
    Pattern code = Pattern.compile("enter the code (\\S+)");
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      Matcher m = code.matcher(cli.outSoFar());
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no user code was printed within 30 s: " + cli.outSoFar());
  }

  @Test
  void gmailRefusesTheDeviceFlowAndSaysToUseTheBrowser() {
    Cli.Result r = cli().run("login", "gina@gmail.com", "--client-id", "my-app.apps.googleusercontent.com", "--device");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("satchel: Gmail does not grant the mail scopes (https://mail.google.com/) to the device"
        + " flow (its token endpoint answers invalid_scope); sign in with the browser instead: run `satchel login"
        + " gina@gmail.com` without --device");
    assertThat(tokenFile()).doesNotExist();
  }

  @Test
  void microsoftSignsInOnLocalhostWithOfflineAccessTheTenantAndTheChosenProtocols() {
    AtomicReference<URI> opened = new AtomicReference<>();
    Cli.Result r = cli().browser(uri -> {
      opened.set(uri); // a browser that never signs in: the wait ends after --timeout
      return true;
    }).run("login", "erin@outlook.com", "--client-id", "my-app", "--tenant", "contoso.onmicrosoft.com",
        "--protocols", "imap,smtp", "--timeout", "1s");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.AUTHENTICATION);
    URI request = opened.get();
    assertThat(request).hasScheme("https").hasHost("login.microsoftonline.com")
        .hasPath("/contoso.onmicrosoft.com/oauth2/v2.0/authorize");
    Map<String, String> query = TestBrowser.query(request);
    assertThat(query.get("scope")).isEqualTo("https://outlook.office.com/IMAP.AccessAsUser.All offline_access"
        + " https://outlook.office.com/SMTP.Send");
    assertThat(query.get("redirect_uri")).matches("http://localhost:\\d+/");
    assertThat(query).containsEntry("client_id", "my-app").containsEntry("login_hint", "erin@outlook.com")
        .doesNotContainKey("access_type");
    assertThat(r.out()).contains("Sign in to Outlook.com (Hotmail, Live, MSN) in your browser.");
  }

  @Test
  void gmailAsksForOfflineAccessWithConsentOnTheIpv4Loopback() {
    AtomicReference<URI> opened = new AtomicReference<>();
    Cli.Result r = cli().browser(uri -> {
      opened.set(uri);
      return false; // no browser here: the address is printed for the user
    }).run("login", "gina@gmail.com", "--client-id", "my-app.apps.googleusercontent.com", "--timeout", "1s");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.AUTHENTICATION);
    Map<String, String> query = TestBrowser.query(opened.get());
    assertThat(query).containsEntry("scope", "https://mail.google.com/").containsEntry("access_type", "offline")
        .containsEntry("prompt", "consent");
    assertThat(query.get("redirect_uri")).matches("http://127\\.0\\.0\\.1:\\d+/");
    assertThat(r.out()).contains("(No browser could be opened from here: open the address yourself.)");
  }

  @Test
  void aProviderWithoutOAuth2SaysWhatItTakesInstead() {
    Cli.Result icloud = cli().run("login", "ivy@icloud.com", "--client-id", "x");
    Cli.Result yahoo = cli().run("login", "yuri@yahoo.com", "--client-id", "x");
    Cli.Result unknown = cli().run("login", "olga@example.org", "--client-id", "x", "--no-discovery");
    Cli.Result tenant = cli().run("login", "gina@gmail.com", "--client-id", "x", "--tenant", "contoso.example");

    assertThat(icloud.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(icloud.err()).startsWith("satchel: iCloud Mail offers no OAuth2 sign-in to mail programs: log in with an"
        + " app password (https://support.apple.com/HT204397) in $SATCHEL_PASSWORD instead, no `satchel login` needed");
    assertThat(yahoo.err()).startsWith("satchel: Yahoo Mail offers OAuth2, but the registry has no confirmed OAuth2"
        + " endpoints for it: log in with an app password (https://login.yahoo.com/account/security)");
    assertThat(unknown.err()).startsWith("satchel: no OAuth2 sign-in is known for example.org: satchel logs in there"
        + " with a password ($SATCHEL_PASSWORD), or give the provider's --token-endpoint");
    assertThat(tenant.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(tenant.err()).isEqualTo("satchel: --tenant: only Microsoft's endpoints take a tenant, and Gmail has none in"
        + " the registry\n");
    assertThat(tokenFile()).doesNotExist();
  }

  @Test
  void withoutAClientIdItSaysWhatToRegister() {
    Cli.Result r = cli().run("login", "erin@outlook.com");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("satchel: give the id of your OAuth2 client with --client-id: Outlook.com (Hotmail, Live,"
        + " MSN) signs in only apps registered with it. Needs your own app registration in Microsoft Entra");
  }

  @Test
  void aServerThatIssuesNoRefreshTokenFailsTheLogin() {
    Cli.Result r = cli().browser(new TestBrowser(server, "dave@example.test")).run("login", "dave@example.test",
        "--client-id", OAuth2TestServer.PUBLIC_CLIENT_ID, "--authorization-endpoint", server.authorizationEndpoint().toString(),
        "--token-endpoint", server.tokenEndpoint().toString(), "--scope", "mail");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.AUTHENTICATION);
    assertThat(r.err()).contains("signed dave@example.test in but issued no refresh token to client public-client,"
        + " so satchel cannot stay logged in").contains("try a confidential client with --client-secret-env");
    assertThat(loginsFile()).doesNotExist();
  }

  @Test
  void logoutForgetsTheRefreshTokenAndTheLogin() throws Exception {
    assertThat(cli().browser(new TestBrowser(server, "alice@example.test")).run(browserLogin(server, "alice@example.test"))
        .exitCode()).isZero();
    assertThat(cli().browser(new TestBrowser(server, "bob@example.test")).run(browserLogin(server, "bob@example.test"))
        .exitCode()).isZero();

    Cli.Result out = cli().run("logout", "alice@EXAMPLE.test");
    Cli.Result again = cli().run("logout", "alice@example.test");

    assertThat(out.exitCode()).as(out.toString()).isZero();
    assertThat(out.out()).isEqualTo("Logged out alice@example.test: its refresh token is gone from " + tokenFile() + ".\n");
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).isEqualTo("No login of alice@example.test is stored in " + tokenFile() + "; nothing to forget.\n");
    TokenStore tokens = TokenStore.file(tokenFile());
    assertThat(tokens.refreshToken("alice@example.test")).isEmpty();
    assertThat(tokens.refreshToken("bob@example.test")).isPresent();
    assertThat(Files.readString(loginsFile())).doesNotContain("alice@example.test").contains("bob@example.test");
  }

  @Test
  void theTokenFileIsFoundInTheEnvironmentOrTheXdgConfigDirectory() {
    String home = "/home/alice";
    assertThat(TokenFileOption.defaultPath(Map.of(), home, "Linux")).isEqualTo(Path.of("/home/alice/.config/satchel/tokens.json"));
    assertThat(TokenFileOption.defaultPath(Map.of("XDG_CONFIG_HOME", "/xdg"), home, "Linux"))
        .isEqualTo(Path.of("/xdg/satchel/tokens.json"));
    assertThat(TokenFileOption.defaultPath(Map.of("XDG_CONFIG_HOME", "relative"), home, "Linux"))
        .as("a relative XDG_CONFIG_HOME is ignored, as the XDG spec says").isEqualTo(Path.of("/home/alice/.config/satchel/tokens.json"));
    assertThat(TokenFileOption.defaultPath(Map.of(TokenFileOption.ENV, "/run/t.json", "XDG_CONFIG_HOME", "/xdg"), home, "Linux"))
        .isEqualTo(Path.of("/run/t.json"));
  }
}
