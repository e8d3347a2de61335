package dev.satchel.mail.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.oauth2.testserver.OAuth2TestServer;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real authorization server: refresh tokens are rotated, revocable, counted. */
class RefreshingTokenSourceTest {
  private static final String REFRESH = "refresh_token";
  private static OAuth2TestServer server;
  private static OAuth2Client client;

  @BeforeAll
  static void start() {
    server = OAuth2TestServer.start();
    client = OAuth2Client.builder(OAuth2TestServer.DESKTOP_CLIENT_ID)
        .clientSecret(OAuth2TestServer.DESKTOP_CLIENT_SECRET)
        .endpoints(new OAuth2Endpoints(server.tokenEndpoint(), server.authorizationEndpoint(), null))
        .build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Signs {@code user} in through the authorization code flow (the test plays the browser). */
  private static OAuth2Tokens signIn(String user) {
    return AuthorizationCodeFlow.builder(client).scopes(List.of("mail")).browser(new TestBrowser(server, user)).build().authorize();
  }

  @Test
  void reusesTheAccessTokenUntilItIsDueThenRefreshes() {
    OAuth2Tokens first = signIn("alice@example.test");
    MutableClock clock = new MutableClock();
    TokenStore store = TokenStore.inMemory();
    RefreshingTokenSource source = RefreshingTokenSource.builder(client, store, "alice@example.test")
        .initialTokens(first).clock(clock).build();
    int before = server.tokenRequests(REFRESH);

    assertThat(source.token(false)).isEqualTo(first.accessToken());
    assertThat(source.token(false)).isEqualTo(first.accessToken());
    assertThat(server.tokenRequests(REFRESH)).isEqualTo(before);

    clock.advance(Duration.between(clock.instant(), first.expiresAt()).minusSeconds(30)); // inside the 60 s margin
    String second = source.token(false);
    assertThat(second).isNotEqualTo(first.accessToken());
    assertThat(Jwt.claims(second)).containsEntry("sub", "alice@example.test");
    assertThat(source.token(false)).isEqualTo(second);
    assertThat(server.tokenRequests(REFRESH)).isEqualTo(before + 1);
  }

  @Test
  void fiftyThreadsAskingWithAnExpiredTokenCauseExactlyOneRefresh() throws Exception {
    OAuth2Tokens first = signIn("bob@example.test");
    MutableClock clock = new MutableClock();
    RefreshingTokenSource source = RefreshingTokenSource.builder(client, TokenStore.inMemory(), "bob@example.test")
        .initialTokens(first).clock(clock).build();
    clock.advance(Duration.ofHours(2));
    int before = server.tokenRequests(REFRESH);

    List<String> tokens = concurrently(50, () -> source.token(false));

    assertThat(new HashSet<>(tokens)).hasSize(1).doesNotContain(first.accessToken());
    assertThat(server.tokenRequests(REFRESH)).isEqualTo(before + 1);
  }

  @Test
  void aForcedRefreshRefreshesOnceAndOtherThreadsThatHadTheRejectedTokenGetTheNewOne() throws Exception {
    OAuth2Tokens first = signIn("carol@example.test");
    RefreshingTokenSource source = RefreshingTokenSource.builder(client, TokenStore.inMemory(), "carol@example.test")
        .initialTokens(first).build();
    int before = server.tokenRequests(REFRESH);
    // 20 connections were handed the same token and the server rejected it on each: all ask with force.
    CountDownLatch handed = new CountDownLatch(20);
    List<String> renewed = concurrently(20, () -> {
      assertThat(source.token(false)).isEqualTo(first.accessToken());
      handed.countDown();
      handed.await(30, TimeUnit.SECONDS);
      return source.token(true);
    });
    assertThat(new HashSet<>(renewed)).hasSize(1).doesNotContain(first.accessToken());
    assertThat(server.tokenRequests(REFRESH)).isEqualTo(before + 1);

    // This thread was handed the renewed token: when that one is rejected, it refreshes again.
    assertThat(source.token(false)).isEqualTo(renewed.get(0));
    String third = source.token(true);
    assertThat(third).isNotEqualTo(renewed.get(0));
    assertThat(server.tokenRequests(REFRESH)).isEqualTo(before + 2);
  }

  @Test
  void aRotatedRefreshTokenIsSavedAndTheOldOneNoLongerWorks() {
    OAuth2Tokens first = signIn("dave@example.test");
    TokenStore store = TokenStore.inMemory();
    RefreshingTokenSource source = RefreshingTokenSource.builder(client, store, "dave@example.test").initialTokens(first).build();
    assertThat(store.refreshToken("dave@example.test")).contains(first.refreshToken());

    source.token(true);

    String rotated = store.refreshToken("dave@example.test").orElseThrow();
    assertThat(rotated).isNotEqualTo(first.refreshToken());
    assertThatThrownBy(() -> client.refresh(first.refreshToken(), List.of()))
        .isInstanceOfSatisfying(OAuth2Exception.class, e -> {
          assertThat(e.error()).isEqualTo("invalid_grant");
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.getMessage()).contains("invalid_grant").contains(server.tokenEndpoint().toString())
              .doesNotContain(first.refreshToken());
        });
  }

  @Test
  void aRevokedRefreshTokenSaysTheUserMustSignInAgain() {
    OAuth2Tokens first = signIn("alice@example.test");
    TokenStore store = TokenStore.inMemory();
    RefreshingTokenSource source = RefreshingTokenSource.builder(client, store, "alice@example.test").initialTokens(first).build();
    assertThat(server.revokeRefreshTokens("alice@example.test")).isPositive();

    assertThatThrownBy(() -> source.token(true))
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("alice@example.test")
        .hasMessageContaining("sign in again")
        .hasMessageContaining("invalid_grant")
        .hasMessageNotContaining(first.refreshToken())
        .hasMessageNotContaining(first.accessToken())
        .hasCauseInstanceOf(OAuth2Exception.class);

  }

  @Test
  void withoutAStoredRefreshTokenTheUserMustSignIn() {
    RefreshingTokenSource source = RefreshingTokenSource.builder(client, TokenStore.inMemory(), "nobody@example.test").build();
    assertThatThrownBy(() -> source.token(false))
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("nobody@example.test")
        .hasMessageContaining("sign in again");
  }

  @Test
  void anUnreachableServerIsAConnectionFailureNamingTheEndpoint() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    URI nowhere = URI.create("http://127.0.0.1:" + closedPort + "/oauth2/token");
    OAuth2Client offline = OAuth2Client.builder("desktop-client").endpoints(OAuth2Endpoints.of(nowhere)).build();
    TokenStore store = TokenStore.inMemory();
    store.save("alice@example.test", "some-refresh-token");
    RefreshingTokenSource source = RefreshingTokenSource.builder(offline, store, "alice@example.test").build();
    assertThatThrownBy(() -> source.token(false))
        .isInstanceOf(MailConnectionException.class)
        .hasMessageContaining(nowhere.toString())
        .hasMessageNotContaining("some-refresh-token");
  }

  @Test
  void toStringShowsNoToken() {
    OAuth2Tokens tokens = signIn("bob@example.test");
    RefreshingTokenSource source = RefreshingTokenSource.builder(client, TokenStore.inMemory(), "bob@example.test")
        .initialTokens(tokens).build();
    assertThat(tokens.toString()).doesNotContain(tokens.accessToken()).doesNotContain(tokens.refreshToken())
        .contains("expiresAt").contains("mail");
    assertThat(source.toString()).contains("bob@example.test").doesNotContain(tokens.accessToken())
        .doesNotContain(tokens.refreshToken());
    assertThat(client.toString()).contains(OAuth2TestServer.DESKTOP_CLIENT_ID).doesNotContain(OAuth2TestServer.DESKTOP_CLIENT_SECRET);
  }

  static <T> List<T> concurrently(int threads, Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          return task.call();
        }));
      }
      ready.await(30, TimeUnit.SECONDS);
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
