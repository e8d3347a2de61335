package dev.satchel.mail.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.oauth2.testserver.OAuth2TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The test plays the browser: signs in at the real server with HTTP Basic and follows the redirect itself. */
class AuthorizationCodeFlowTest {
  private static OAuth2TestServer server;
  private static OAuth2Endpoints endpoints;

  @BeforeAll
  static void start() {
    server = OAuth2TestServer.start();
    endpoints = new OAuth2Endpoints(server.tokenEndpoint(), server.authorizationEndpoint(), null);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static OAuth2Client desktop() {
    return OAuth2Client.builder(OAuth2TestServer.DESKTOP_CLIENT_ID).clientSecret(OAuth2TestServer.DESKTOP_CLIENT_SECRET)
        .endpoints(endpoints).build();
  }

  @Test
  void signsTheUserInThroughTheLoopbackRedirectWithPkce() {
    TestBrowser browser = new TestBrowser(server, "alice@example.test");
    TokenStore store = TokenStore.inMemory();
    OAuth2Tokens tokens = AuthorizationCodeFlow.builder(desktop()).scopes(List.of("mail")).loginHint("alice@example.test")
        .browser(browser).build().authorize(store, "alice@example.test");

    assertThat(Jwt.claims(tokens.accessToken())).containsEntry("sub", "alice@example.test");
    assertThat(tokens.scopes()).containsExactly("mail");
    assertThat(store.refreshToken("alice@example.test")).contains(tokens.refreshToken());

    Map<String, String> request = LoopbackReceiver.query(browser.authorizationRequest.getRawQuery());
    assertThat(request).containsEntry("response_type", "code").containsEntry("code_challenge_method", "S256")
        .containsEntry("login_hint", "alice@example.test").containsEntry("client_id", OAuth2TestServer.DESKTOP_CLIENT_ID);
    assertThat(request.get("code_challenge")).hasSize(43);
    URI redirect = URI.create(request.get("redirect_uri"));
    assertThat(redirect.getHost()).isEqualTo("127.0.0.1");
    assertThat(redirect.getPath()).isEqualTo("/");

    HttpResponse<String> page = browser.page;
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("You can close this window")
        .doesNotContain(tokens.accessToken())
        .doesNotContain(LoopbackReceiver.query(browser.redirect.getRawQuery()).get("code"));
    assertThat(listening(redirect.getPort())).as("the listener closed after the one request").isFalse();
  }

  @Test
  void aPublicClientSignsInWithPkceAlone() {
    OAuth2Client publicClient = OAuth2Client.builder(OAuth2TestServer.PUBLIC_CLIENT_ID).endpoints(endpoints).build();
    OAuth2Tokens tokens = AuthorizationCodeFlow.builder(publicClient).scopes(List.of("mail", "profile"))
        .browser(new TestBrowser(server, "bob@example.test")).build().authorize();
    assertThat(Jwt.claims(tokens.accessToken())).containsEntry("sub", "bob@example.test");
    assertThat(tokens.refreshToken()).as("Spring Authorization Server gives public clients none").isNull();
  }

  @Test
  void anAnswerWithAnotherStateIsRefused() {
    TestBrowser forger = new TestBrowser(server, "alice@example.test",
        redirect -> URI.create(redirect.toString().replaceAll("state=[^&]*", "state=forged-state")));
    AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder(desktop()).scopes(List.of("mail")).browser(forger).build();
    assertThatThrownBy(flow::authorize)
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("state")
        .hasMessageContaining("refused");
    assertThat(forger.page.statusCode()).isEqualTo(400);
    assertThat(forger.page.body()).contains("Sign-in refused").contains("You can close this window");
  }

  @Test
  void aRefusalFromTheAuthorizationServerSaysSo() {
    // What the server sends back when the user clicks "deny": error=access_denied with the state.
    TestBrowser denying = new TestBrowser(server, "alice@example.test", redirect -> URI.create(
        redirect.toString().replaceAll("code=[^&]*", "error=access_denied&error_description=The+user+said+no")));
    AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder(desktop()).browser(denying).build();
    assertThatThrownBy(flow::authorize)
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("access_denied")
        .hasMessageContaining("did not allow access");
    assertThat(denying.page.body()).contains("Sign-in failed").contains("access_denied");
  }

  @Test
  void givesUpWhenNoAnswerComesWithinTheTimeout() {
    AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder(desktop()).browser(uri -> { }).timeout(Duration.ofMillis(300)).build();
    assertThatThrownBy(flow::authorize)
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("no sign-in came back");
  }

  @Test
  void refusesParametersItSetsItselfAndNeedsABrowserAndAnEndpoint() {
    assertThatThrownBy(() -> AuthorizationCodeFlow.builder(desktop()).parameter("state", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("state");
    assertThatThrownBy(() -> AuthorizationCodeFlow.builder(desktop()).build()).hasMessageContaining("browser");
    OAuth2Client tokenOnly = OAuth2Client.builder("x").endpoints(OAuth2Endpoints.of(server.tokenEndpoint())).build();
    assertThatThrownBy(() -> AuthorizationCodeFlow.builder(tokenOnly).browser(uri -> { }).build())
        .hasMessageContaining("no authorization endpoint");
  }

  @Test
  void withRedirectHostLocalhostTheRedirectNamesLocalhostAndTheListenerTakesItOnIpv6LoopbackToo() {
    try (ScriptedAuthorizationServer scripted = new ScriptedAuthorizationServer()) {
      scripted.enqueueJson(200, "{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":60}");
      OAuth2Client client = OAuth2Client.builder("desktop-app").endpoints(scripted.endpoints()).build();
      String loopback = ipv6Loopback() ? "[::1]" : "127.0.0.1";
      List<HttpResponse<String>> pages = new ArrayList<>();
      AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder(client).redirectHost("localhost").browser(request -> {
        // The authorization server would redirect to redirect_uri; a browser resolving localhost may pick ::1.
        Map<String, String> query = LoopbackReceiver.query(request.getRawQuery());
        int port = URI.create(query.get("redirect_uri")).getPort();
        pages.add(TestBrowser.get(URI.create("http://" + loopback + ":" + port + "/?code=the-code&state="
            + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8))));
      }).build();

      OAuth2Tokens tokens = flow.authorize();

      assertThat(tokens.accessToken()).isEqualTo("at-1");
      assertThat(pages).singleElement().satisfies(p -> assertThat(p.statusCode()).isEqualTo(200));
      String exchange = scripted.requests.get(0).body();
      assertThat(exchange).contains("code=the-code").containsPattern("redirect_uri=http%3A%2F%2Flocalhost%3A\\d+%2F&");
    }
  }

  @Test
  void aLocalhostListenerBindsOneEphemeralPortOnBothLoopbackAddressesAndTakesOneAnswer() throws IOException {
    try (LoopbackReceiver receiver = LoopbackReceiver.start("s1", "localhost")) {
      URI redirect = receiver.redirectUri();
      assertThat(redirect.getHost()).isEqualTo("localhost");
      List<String> hosts = receiver.addresses().stream().map(a -> a.getAddress().getHostAddress()).toList();
      assertThat(receiver.addresses()).allMatch(a -> a.getPort() == redirect.getPort());
      if (ipv6Loopback()) {
        assertThat(hosts).containsExactlyInAnyOrder("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(TestBrowser.get(URI.create("http://127.0.0.1:" + redirect.getPort() + "/?state=s1&code=c")).statusCode())
            .isEqualTo(200);
        assertThat(TestBrowser.get(URI.create("http://[::1]:" + redirect.getPort() + "/?state=s1&code=c")).statusCode())
            .as("the answer was taken on 127.0.0.1").isEqualTo(404);
      } else {
        assertThat(hosts).containsExactly("127.0.0.1");
      }
    }
    assertThatThrownBy(() -> AuthorizationCodeFlow.builder(desktop()).redirectHost("0.0.0.0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("redirectHost must be 127.0.0.1 or localhost, was \"0.0.0.0\"");
  }

  private static boolean ipv6Loopback() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
