package dev.satchel.mail.interop;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.TokenSource;
import dev.satchel.mail.oauth2.AuthorizationCodeFlow;
import dev.satchel.mail.oauth2.OAuth2Client;
import dev.satchel.mail.oauth2.OAuth2Endpoints;
import dev.satchel.mail.oauth2.OAuth2Tokens;
import dev.satchel.mail.oauth2.RefreshingTokenSource;
import dev.satchel.mail.oauth2.TokenStore;
import dev.satchel.mail.oauth2.testserver.OAuth2TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The authorization server of the OAuth2 interop tests, on the port where Dovecot's oauth2 passdb
 * introspects tokens ({@link Harness#oauth2Port()}, 11080), with Dovecot's introspection client
 * (id and secret from {@code harness.env}) registered, and what the tests do with it: sign a user in
 * with the authorization-code flow (the test plays the browser), make token sources and OAuth2
 * settings for the harness servers, revoke an access token.
 *
 * <p>A JUnit extension for a static field: the server starts before the class's first test (after
 * {@link Interop}'s check of the harness) and stops after its last. One class at a time: Dovecot asks
 * this one port.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final OAuth2Fixture oauth = OAuth2Fixture.withAccessTokensLiving(Duration.ofMinutes(5));
 * }</pre>
 */
final class OAuth2Fixture implements BeforeAllCallback, AfterAllCallback {
  /**
   * A confidential client whose id is dave's address: its client-credentials tokens carry
   * {@code sub = dave@example.test}, which is what Dovecot's passdb ({@code username_attribute = sub})
   * compares with the login name. It stands for a service granted one mailbox (Microsoft 365 app-only
   * access to a shared mailbox), which Dovecot cannot express otherwise.
   */
  static final String SERVICE_MAILBOX = "dave@example.test";
  static final String SERVICE_MAILBOX_SECRET = "dave-service-secret";

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER)
      .version(HttpClient.Version.HTTP_1_1)
      .build();

  private final Harness harness = Harness.get();
  private final Duration accessTokenTimeToLive;
  private @Nullable OAuth2TestServer server;

  private OAuth2Fixture(Duration accessTokenTimeToLive) {
    this.accessTokenTimeToLive = accessTokenTimeToLive;
  }

  /** A server whose access tokens live {@code accessTokenTimeToLive}, started by JUnit. */
  static OAuth2Fixture withAccessTokensLiving(Duration accessTokenTimeToLive) {
    return new OAuth2Fixture(accessTokenTimeToLive);
  }

  /**
   * Starts the server on 127.0.0.1:{@link Harness#oauth2Port()}.
   *
   * @throws IllegalStateException naming the port when it is taken
   */
  @Override
  public void beforeAll(ExtensionContext context) {
    if (InteropExtension.skipRequested()) {
      return; // every test of the class is skipped
    }
    int port = harness.oauth2Port();
    OAuth2TestServer started;
    try {
      started = OAuth2TestServer.builder()
          .port(port)
          .accessTokenTimeToLive(accessTokenTimeToLive)
          .confidentialClient(harness.oauth2IntrospectionClient(), harness.oauth2IntrospectionSecret())
          .confidentialClient(SERVICE_MAILBOX, SERVICE_MAILBOX_SECRET)
          .start();
    } catch (IllegalStateException e) {
      throw new IllegalStateException("Dovecot's oauth2 passdb checks tokens at 127.0.0.1:" + port
          + " (MAILHARNESS_OAUTH2_PORT), so the OAuth2 interop tests must start their authorization server there; "
          + e.getMessage(), e);
    }
    server = started;
    System.out.println("OAuth2TestServer started in " + started.startupTime().toMillis() + " ms on " + started.issuer()
        + " (access tokens live " + accessTokenTimeToLive.toSeconds() + " s)");
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** The running server. */
  OAuth2TestServer server() {
    OAuth2TestServer running = server;
    if (running == null) {
      throw new IllegalStateException("the authorization server runs only while a test class with this extension runs");
    }
    return running;
  }

  /** The confidential client for the authorization-code grant (with refresh tokens). */
  OAuth2Client desktopClient() {
    return OAuth2Client.builder(OAuth2TestServer.DESKTOP_CLIENT_ID).clientSecret(OAuth2TestServer.DESKTOP_CLIENT_SECRET)
        .endpoints(new OAuth2Endpoints(server().tokenEndpoint(), server().authorizationEndpoint(), null)).build();
  }

  /**
   * Signs {@code user} in with the authorization-code flow and PKCE: the test is the browser, signs in
   * at the server and follows its redirect to the flow's loopback listener itself. The refresh token
   * is saved in {@code store}.
   */
  OAuth2Tokens signIn(String user, TokenStore store) {
    String address = Harness.address(user);
    return AuthorizationCodeFlow.builder(desktopClient())
        .scopes(List.of("mail"))
        .loginHint(address)
        .timeout(Duration.ofSeconds(30))
        .browser(request -> follow(server().signIn(request, address)))
        .build()
        .authorize(store, address);
  }

  /** A refreshing source for {@code user}, signed in with {@link #signIn}; it records what it was asked. */
  RecordingTokenSource signedInSource(String user) {
    TokenStore store = TokenStore.inMemory();
    return source(user, store, signIn(user, store));
  }

  /** A refreshing source (of the desktop client) for {@code user} starting with {@code tokens}; it records what it was asked. */
  RecordingTokenSource source(String user, TokenStore store, OAuth2Tokens tokens) {
    return new RecordingTokenSource(RefreshingTokenSource.builder(desktopClient(), store, Harness.address(user))
        .initialTokens(tokens).build());
  }

  /** Settings for a harness user of Dovecot (IMAP, POP3) or Postfix submission (SMTP), logging in with tokens. */
  MailSettings settings(String user, Protocol protocol, Security security, TokenSource tokens) {
    return harness.settings(user, protocol, security).toBuilder()
        .credentials(Credentials.oauth2(Harness.address(user), tokens)).build();
  }

  /** Revokes an access token at the server (RFC 7009) as the client it was issued to; the server then calls it inactive. */
  void revokeAccessToken(String accessToken) {
    String basic = Base64.getEncoder().encodeToString((OAuth2TestServer.DESKTOP_CLIENT_ID + ":"
        + OAuth2TestServer.DESKTOP_CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(server().revocationEndpoint())
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", "Basic " + basic)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(accessToken, StandardCharsets.UTF_8)
            + "&token_type_hint=access_token"))
        .build();
    HttpResponse<String> response = send(request);
    if (response.statusCode() != 200) {
      throw new IllegalStateException("the revocation endpoint answered HTTP " + response.statusCode() + ": " + response.body());
    }
  }

  /** True when the server calls {@code accessToken} inactive (expired or revoked). */
  boolean inactive(String accessToken) {
    return Boolean.FALSE.equals(server().introspect(accessToken).get("active"));
  }

  /** Waits until the server calls {@code accessToken} inactive, at most {@code timeout}; true when it does. */
  boolean awaitInactive(String accessToken, Duration timeout) {
    return Await.until(timeout, () -> inactive(accessToken), inactive -> inactive);
  }

  /** The browser's second step: the GET of the redirect, which the flow's loopback listener answers. */
  private static void follow(URI redirect) {
    HttpResponse<String> page = send(HttpRequest.newBuilder(redirect).timeout(Duration.ofSeconds(10)).GET().build());
    if (page.statusCode() != 200) {
      throw new IllegalStateException("the sign-in redirect " + redirect.getHost() + ":" + redirect.getPort()
          + " answered HTTP " + page.statusCode());
    }
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.uri() + " did not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while talking to " + request.uri(), e);
    }
  }

  /**
   * A token source that records each call's {@code forceRefresh} and the token it handed out, around
   * another source.
   */
  static final class RecordingTokenSource implements TokenSource {
    private final TokenSource delegate;
    final List<Boolean> forced = new CopyOnWriteArrayList<>();
    final List<String> handedOut = new CopyOnWriteArrayList<>();

    RecordingTokenSource(TokenSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public String token(boolean forceRefresh) {
      forced.add(forceRefresh);
      String token = delegate.token(forceRefresh);
      handedOut.add(token);
      return token;
    }

    /** The token handed out last. */
    String last() {
      if (handedOut.isEmpty()) {
        throw new IllegalStateException("no token handed out yet");
      }
      return handedOut.get(handedOut.size() - 1);
    }

    @Override
    public String toString() {
      return "RecordingTokenSource[" + delegate + "]";
    }
  }
}
