package dev.satchel.mail.oauth2;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailConnectionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs a user in with a browser: the authorization code grant with PKCE ({@code S256}) and a
 * loopback redirect (RFC 8252 §7.3), for desktop and command-line programs.
 *
 * <pre>{@code
 * OAuth2Tokens tokens = AuthorizationCodeFlow.builder(client)
 *     .scopes(List.of("https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access"))
 *     .loginHint("alice@example.com")
 *     .browser(uri -> System.out.println("Open this address in a browser: " + uri))
 *     .build()
 *     .authorize(store, "alice@example.com");   // saves the refresh token
 * }</pre>
 *
 * <p>{@link #authorize()} listens on {@code http://127.0.0.1:<ephemeral port>/} (bound to 127.0.0.1
 * only; {@link Builder#redirectHost} tells about {@code localhost}), hands the authorization request
 * to the browser callback, and waits (at most {@link Builder#timeout}, default 5 minutes) for the one
 * request the browser makes when the
 * authorization server sends it back; then the listener closes. The answer's {@code state} must be the
 * one sent (compared in constant time); anything else is refused. The browser shows a page saying the
 * window can be closed; it never shows a token. The code is exchanged with the PKCE verifier.
 *
 * <p>The client needs the redirect URI {@code http://127.0.0.1/} (any port) registered; Google's
 * desktop clients accept it. Microsoft's app registrations take {@code http://localhost} as the
 * desktop redirect URI (any port): use {@link Builder#redirectHost redirectHost("localhost")}, and
 * the listener takes the redirect on both ::1 and 127.0.0.1. Google issues a refresh token only with
 * {@code parameter("access_type", "offline")}, Microsoft only with scope {@code offline_access}.
 *
 * <p>Each {@code authorize} call is independent; an instance may be used by several threads.
 */
public final class AuthorizationCodeFlow {
  static final String IPV4_LOOPBACK = "127.0.0.1";
  static final String LOCALHOST = "localhost";
  private static final Logger LOG = LoggerFactory.getLogger(AuthorizationCodeFlow.class);
  private static final Set<String> RESERVED = Set.of("response_type", "client_id", "redirect_uri", "scope", "state",
      "code_challenge", "code_challenge_method", "login_hint");

  private final OAuth2Client client;
  private final URI authorizationEndpoint;
  private final List<String> scopes;
  private final @Nullable String loginHint;
  private final Consumer<URI> browser;
  private final Duration timeout;
  private final Map<String, String> parameters;
  private final String redirectHost;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private AuthorizationCodeFlow(Builder b, URI authorizationEndpoint, Consumer<URI> browser) {
    this.client = b.client;
    this.authorizationEndpoint = authorizationEndpoint;
    this.scopes = b.scopes;
    this.loginHint = b.loginHint;
    this.browser = browser;
    this.timeout = b.timeout;
    this.parameters = Map.copyOf(b.parameters);
    this.redirectHost = b.redirectHost;
    this.clock = b.clock;
  }

  /** Starts a flow for {@code client}, whose endpoints must include an authorization endpoint. */
  public static Builder builder(OAuth2Client client) {
    return new Builder(client);
  }

  /**
   * Signs the user in and returns the tokens.
   *
   * @throws MailAuthenticationException when the user does not sign in within the timeout, the
   *     authorization server refuses (for example {@code access_denied}), the answer's state does
   *     not match, or the code exchange is refused
   * @throws MailConnectionException when the token endpoint cannot be reached
   * @throws UncheckedIOException when the loopback listener cannot be opened
   */
  public OAuth2Tokens authorize() {
    Pkce pkce = Pkce.generate(random);
    String state = Pkce.state(random);
    LoopbackReceiver receiver;
    try {
      receiver = LoopbackReceiver.start(state, redirectHost);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + redirectHost + " for the sign-in redirect", e);
    }
    try (receiver) {
      URI redirect = receiver.redirectUri();
      URI request = authorizationRequest(redirect, pkce.challenge(), state);
      LOG.debug("sign-in at {} for client {}, redirect {}", authorizationEndpoint, client.clientId(), redirect);
      browser.accept(request);
      LoopbackReceiver.Answer answer = awaitAnswer(receiver, redirect);
      String code = checkAnswer(answer);
      try {
        return client.authorizationCode(code, redirect, pkce.verifier(), scopes, clock);
      } catch (OAuth2Exception e) {
        throw new MailAuthenticationException(e.endpoint() + " refused the authorization code of client " + client.clientId()
            + " (" + e.error() + "); sign in again", e);
      }
    }
  }

  /**
   * Signs the user in, saves the refresh token for {@code account} in {@code store}, and returns the
   * tokens (for {@link RefreshingTokenSource.Builder#initialTokens}). When the server issued no
   * refresh token, nothing is saved and a warning is logged: the source will ask the user to sign in
   * again once the access token expires.
   *
   * @throws MailAuthenticationException like {@link #authorize()}
   * @throws MailConnectionException like {@link #authorize()}
   */
  public OAuth2Tokens authorize(TokenStore store, String account) {
    return saved(authorize(), store, account, client);
  }

  static OAuth2Tokens saved(OAuth2Tokens tokens, TokenStore store, String account, OAuth2Client client) {
    String refreshToken = tokens.refreshToken();
    if (refreshToken != null) {
      store.save(account, refreshToken);
    } else {
      LOG.warn("{} issued no refresh token to client {} for {}; ask for offline access (Microsoft: scope offline_access, "
          + "Google: access_type=offline)", client.endpoints().tokenEndpoint(), client.clientId(), account);
    }
    return tokens;
  }

  private LoopbackReceiver.Answer awaitAnswer(LoopbackReceiver receiver, URI redirect) {
    try {
      return receiver.await(timeout);
    } catch (TimeoutException e) {
      throw new MailAuthenticationException("no sign-in came back to " + redirect + " within " + timeout.toSeconds()
          + " s; sign in again", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MailAuthenticationException("interrupted while waiting for the sign-in", e);
    }
  }

  /** The code, or why not; the state is checked first, so a forged answer is never believed. */
  private String checkAnswer(LoopbackReceiver.Answer received) {
    Map<String, String> answer = received.parameters();
    String state = answer.get("state");
    if (state == null) {
      throw new MailAuthenticationException("the sign-in answer carried no state; it did not come from this sign-in and was refused");
    }
    if (!received.stateMatches()) {
      throw new MailAuthenticationException("the sign-in answer carried another state than the sign-in sent (\""
          + FormPost.clean(state, List.of()) + "\"); it did not come from this sign-in and was refused");
    }
    String error = answer.get("error");
    if (error != null) {
      String description = answer.get("error_description");
      String detail = description == null ? "" : ": " + FormPost.clean(description, List.of());
      String meaning = "access_denied".equals(error) ? "; the user did not allow access" : "";
      throw new MailAuthenticationException(authorizationEndpoint + " refused the sign-in (" + FormPost.clean(error, List.of())
          + detail + ")" + meaning);
    }
    String code = answer.get("code");
    if (code == null || code.isBlank()) {
      throw new MailAuthenticationException("the sign-in answer from " + authorizationEndpoint + " carried no code");
    }
    return code;
  }

  private URI authorizationRequest(URI redirect, String challenge, String state) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("response_type", "code");
    query.put("client_id", client.clientId());
    query.put("redirect_uri", redirect.toString());
    if (!scopes.isEmpty()) {
      query.put("scope", String.join(" ", scopes));
    }
    query.put("state", state);
    query.put("code_challenge", challenge);
    query.put("code_challenge_method", "S256");
    if (loginHint != null) {
      query.put("login_hint", loginHint);
    }
    query.putAll(parameters);
    StringJoiner joined = new StringJoiner("&");
    query.forEach((k, v) -> joined.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    String base = authorizationEndpoint.toString();
    return URI.create(base + (authorizationEndpoint.getRawQuery() == null ? "?" : "&") + joined);
  }

  @Override
  public String toString() {
    return "AuthorizationCodeFlow[client=" + client.clientId() + ", endpoint=" + authorizationEndpoint + ", scopes=" + scopes + "]";
  }

  /** Settings for an {@link AuthorizationCodeFlow}. Not thread-safe. */
  public static final class Builder {
    private final OAuth2Client client;
    private List<String> scopes = List.of();
    private @Nullable String loginHint;
    private @Nullable Consumer<URI> browser;
    private Duration timeout = Duration.ofMinutes(5);
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private String redirectHost = IPV4_LOOPBACK;
    private Clock clock = Clock.systemUTC();

    private Builder(OAuth2Client client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** The scopes to ask for; default none. */
    public Builder scopes(List<String> scopes) {
      this.scopes = List.copyOf(scopes);
      return this;
    }

    /** The address to suggest on the sign-in page ({@code login_hint}). */
    public Builder loginHint(String loginHint) {
      this.loginHint = Objects.requireNonNull(loginHint, "loginHint");
      return this;
    }

    /**
     * What opens the authorization request in a browser: for example
     * {@code uri -> Desktop.getDesktop().browse(uri)}, or printing it for the user. Required. It must
     * return without waiting for the sign-in.
     */
    public Builder browser(Consumer<URI> openBrowser) {
      this.browser = Objects.requireNonNull(openBrowser, "openBrowser");
      return this;
    }

    /**
     * How long to wait for the user to sign in; default 5 minutes.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.positive("timeout", timeout);
      return this;
    }

    /**
     * Another parameter for the authorization request, for example {@code prompt=consent} or
     * Google's {@code access_type=offline}.
     *
     * @throws IllegalArgumentException for a parameter the flow sets itself (response_type,
     *     client_id, redirect_uri, scope, state, code_challenge, code_challenge_method, login_hint)
     */
    public Builder parameter(String name, String value) {
      if (RESERVED.contains(name)) {
        throw new IllegalArgumentException("parameter " + name + " is set by the flow itself; use its own method if there is one");
      }
      parameters.put(name, Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * The host in the redirect URI: {@code 127.0.0.1} (the default, as RFC 8252 §7.3 recommends) or
     * {@code localhost}, which Microsoft's app registrations use for desktop apps
     * ({@code http://localhost}, any port). With {@code localhost} the listener binds the same
     * ephemeral port on ::1 and 127.0.0.1, because the browser may resolve the name to either; where
     * the machine has no IPv6 loopback it binds 127.0.0.1 alone, and browsers fall back to it.
     *
     * @throws IllegalArgumentException for any other host
     */
    public Builder redirectHost(String host) {
      if (!IPV4_LOOPBACK.equals(host) && !LOCALHOST.equals(host)) {
        throw new IllegalArgumentException("redirectHost must be 127.0.0.1 or localhost, was \"" + host + "\"");
      }
      this.redirectHost = host;
      return this;
    }

    /** The clock for the tokens' expiry times; default the system clock (UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the flow.
     *
     * @throws IllegalStateException when no browser callback was set or the client's endpoints have
     *     no authorization endpoint
     */
    public AuthorizationCodeFlow build() {
      URI endpoint = client.endpoints().authorizationEndpoint();
      if (endpoint == null) {
        throw new IllegalStateException("the endpoints of " + client + " have no authorization endpoint");
      }
      if (browser == null) {
        throw new IllegalStateException("set browser(uri -> ...): something must open the sign-in page");
      }
      return new AuthorizationCodeFlow(this, endpoint, browser);
    }
  }
}
