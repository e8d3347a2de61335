package dev.satchel.mail.oauth2;

import dev.satchel.mail.MailConnectionException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One OAuth2 client (its id, perhaps its secret) of one authorization server: the token-endpoint
 * calls every token source and flow here is built on.
 *
 * <pre>{@code
 * OAuth2Client client = OAuth2Client.builder("my-app")
 *     .clientSecret(secret)                     // confidential clients only
 *     .endpoints(OAuth2Endpoints.microsoft("contoso.example"))
 *     .build();
 * }</pre>
 *
 * <p>Requests are form-encoded POSTs; the client authenticates with HTTP Basic
 * ({@code client_secret_basic}) when it has a secret and sends its {@code client_id} in the body
 * otherwise. Answers are read up to 1 MiB, each request within {@link Builder#requestTimeout}
 * (default 30 s) on an {@link HttpClient} that connects within 10 s and follows no redirects.
 * An access token must be of type {@code Bearer}.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the secret.
 */
public final class OAuth2Client {
  /** Used when an answer has no {@code expires_in} (RFC 6749 only recommends it). */
  static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
  private static final long MAX_LIFETIME_SECONDS = Duration.ofDays(3650).toSeconds();

  private final String clientId;
  private final @Nullable String clientSecret;
  private final OAuth2Endpoints endpoints;
  private final HttpClient http;
  private final Duration requestTimeout;

  private OAuth2Client(Builder b) {
    this.clientId = b.clientId;
    this.clientSecret = b.clientSecret;
    this.endpoints = Objects.requireNonNull(b.endpoints, "endpoints must be set: builder(clientId).endpoints(...)");
    this.http = b.http != null ? b.http : HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    this.requestTimeout = b.requestTimeout;
  }

  /**
   * Starts a client.
   *
   * @param clientId the client (application) id the authorization server issued
   * @throws IllegalArgumentException when the id is blank
   */
  public static Builder builder(String clientId) {
    return new Builder(clientId);
  }

  /** The client id. */
  public String clientId() {
    return clientId;
  }

  /** True when the client has a secret (a confidential client). */
  public boolean hasClientSecret() {
    return clientSecret != null;
  }

  /** The authorization server's endpoints. */
  public OAuth2Endpoints endpoints() {
    return endpoints;
  }

  /** How long one request may take, answer included. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * Exchanges a refresh token for new tokens (RFC 6749 §6). The answer may carry a new refresh token
   * (rotation); then the old one no longer works.
   *
   * @param scopes the scopes to ask for, or empty for those originally granted
   * @throws OAuth2Exception when the server refuses, for example {@code invalid_grant} when the refresh
   *     token was revoked, expired or already used
   * @throws MailConnectionException when the server cannot be reached or answers with something else
   */
  public OAuth2Tokens refresh(String refreshToken, List<String> scopes) {
    return refresh(refreshToken, scopes, Clock.systemUTC());
  }

  /**
   * Gets tokens for the client itself (client credentials grant, RFC 6749 §4.4), for example
   * Microsoft 365 app-only access with scope {@code https://outlook.office365.com/.default}.
   *
   * @throws OAuth2Exception when the server refuses, for example {@code invalid_client}
   * @throws MailConnectionException when the server cannot be reached or answers with something else
   */
  public OAuth2Tokens clientCredentials(List<String> scopes) {
    return clientCredentials(scopes, Clock.systemUTC());
  }

  OAuth2Tokens refresh(String refreshToken, List<String> scopes, Clock clock) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    putScopes(form, scopes);
    return tokens(form, scopes, clock, refreshToken);
  }

  OAuth2Tokens clientCredentials(List<String> scopes, Clock clock) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    putScopes(form, scopes);
    return tokens(form, scopes, clock);
  }

  /** RFC 6749 §4.1.3 with the PKCE verifier (RFC 7636 §4.5). */
  OAuth2Tokens authorizationCode(String code, URI redirectUri, String codeVerifier, List<String> scopes, Clock clock) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", redirectUri.toString());
    form.put("code_verifier", codeVerifier);
    return tokens(form, scopes, clock, code, codeVerifier);
  }

  /** RFC 8628 §3.4: one poll. */
  OAuth2Tokens deviceCode(String deviceCode, List<String> scopes, Clock clock) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "urn:ietf:params:oauth:grant-type:device_code");
    form.put("device_code", deviceCode);
    return tokens(form, scopes, clock, deviceCode);
  }

  /** A POST to another endpoint of this server (the device authorization endpoint). */
  Map<String, Object> post(URI endpoint, Map<String, String> form) {
    return FormPost.send(http, requestTimeout, endpoint, clientId, clientSecret, form, secrets());
  }

  private OAuth2Tokens tokens(Map<String, String> form, List<String> requestedScopes, Clock clock, String... sent) {
    Instant requestedAt = clock.instant();
    List<String> secrets = secrets(sent);
    URI endpoint = endpoints.tokenEndpoint();
    Map<String, Object> json = FormPost.send(http, requestTimeout, endpoint, clientId, clientSecret, form, secrets);
    Object accessToken = json.get("access_token");
    if (!(accessToken instanceof String access) || access.isBlank()) {
      throw new MailConnectionException(endpoint + " answered HTTP 200 without an access_token");
    }
    Object tokenType = json.get("token_type");
    if (!(tokenType instanceof String type) || !type.toLowerCase(Locale.ROOT).equals("bearer")) {
      String shown = tokenType instanceof String s ? "\"" + FormPost.clean(s, secrets) + "\"" : "missing";
      throw new MailConnectionException(endpoint + " issued a token of type " + shown + "; mail servers take only Bearer tokens");
    }
    Object refreshToken = json.get("refresh_token");
    String refresh = refreshToken instanceof String r && !r.isBlank() ? r : null;
    return new OAuth2Tokens(access, refresh, requestedAt.plus(lifetime(json.get("expires_in"), endpoint)),
        grantedScopes(json.get("scope"), requestedScopes));
  }

  /** {@code expires_in} as a number or a numeric string (some servers send one); absent: one hour. */
  static Duration lifetime(@Nullable Object expiresIn, URI endpoint) {
    if (expiresIn == null) {
      return DEFAULT_LIFETIME;
    }
    long seconds;
    if (expiresIn instanceof Number n) {
      seconds = n.longValue();
    } else if (expiresIn instanceof String s && s.strip().matches("-?\\d{1,18}")) {
      seconds = Long.parseLong(s.strip());
    } else {
      throw new MailConnectionException(endpoint + " answered an expires_in that is not a number");
    }
    return Duration.ofSeconds(Math.max(0, Math.min(seconds, MAX_LIFETIME_SECONDS)));
  }

  private static List<String> grantedScopes(@Nullable Object scope, List<String> requested) {
    if (scope instanceof String s && !s.isBlank()) {
      return Arrays.asList(s.strip().split("\\s+"));
    }
    return requested;
  }

  private static void putScopes(Map<String, String> form, List<String> scopes) {
    if (!scopes.isEmpty()) {
      form.put("scope", String.join(" ", scopes));
    }
  }

  private List<String> secrets(String... sent) {
    List<String> secrets = new ArrayList<>(Arrays.asList(sent));
    if (clientSecret != null) {
      secrets.add(clientSecret);
    }
    return secrets;
  }

  @Override
  public String toString() {
    String secret = clientSecret == null ? "none" : "***";
    return "OAuth2Client[clientId=" + clientId + ", clientSecret=" + secret + ", tokenEndpoint=" + endpoints.tokenEndpoint() + "]";
  }

  /** Settings for an {@link OAuth2Client}. Not thread-safe. */
  public static final class Builder {
    private final String clientId;
    private @Nullable String clientSecret;
    private @Nullable OAuth2Endpoints endpoints;
    private @Nullable HttpClient http;
    private Duration requestTimeout = Duration.ofSeconds(30);

    private Builder(String clientId) {
      if (clientId.isBlank()) {
        throw new IllegalArgumentException("clientId must not be blank");
      }
      this.clientId = clientId;
    }

    /**
     * The client secret of a confidential client; sent with HTTP Basic. Public clients (desktop and
     * device apps registered without a secret) leave it unset.
     *
     * @throws IllegalArgumentException when the secret is blank
     */
    public Builder clientSecret(String clientSecret) {
      if (clientSecret.isBlank()) {
        throw new IllegalArgumentException("clientSecret must not be blank (leave it unset for a public client)");
      }
      this.clientSecret = clientSecret;
      return this;
    }

    /** The authorization server's endpoints. Required. */
    public Builder endpoints(OAuth2Endpoints endpoints) {
      this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
      return this;
    }

    /**
     * The HTTP client for the requests, for a proxy or own TLS settings. Default: one with a 10 s
     * connect timeout that follows no redirects. Set a connect timeout on your own client: this one
     * cannot add it.
     */
    public Builder httpClient(HttpClient httpClient) {
      this.http = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /**
     * How long one request may take, from sending to the last byte of the answer. Default 30 seconds.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Checks.positive("requestTimeout", timeout);
      return this;
    }

    /**
     * Builds the client.
     *
     * @throws NullPointerException when no endpoints were set
     */
    public OAuth2Client build() {
      return new OAuth2Client(this);
    }
  }
}
