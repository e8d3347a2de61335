package dev.satchel.mail.oauth2.testserver;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real OAuth2 authorization server (Spring Authorization Server on Spring Boot) listening on
 * 127.0.0.1, for tests.
 *
 * <pre>{@code
 * try (OAuth2TestServer server = OAuth2TestServer.builder().accessTokenTimeToLive(Duration.ofSeconds(2)).start()) {
 *   // client_credentials as OAuth2TestServer.SERVICE_CLIENT_ID, or a user's sign-in:
 *   URI redirect = server.signIn(authorizationRequest, "alice@example.test"); // the 302 a browser would follow
 *   int refreshes = server.tokenRequests("refresh_token");
 * }
 * }</pre>
 *
 * <p>What it holds:
 * <ul>
 *   <li>Users {@link #USERS} ({@code alice@example.test} ... with password {@code alice-pw} ...; see
 *       {@link #password(String)}), who sign in with HTTP Basic on the authorization and
 *       device-verification endpoints, so a test can act as the browser without HTML forms.
 *   <li>Clients, all allowed the scopes {@link #SCOPES}:
 *       {@link #SERVICE_CLIENT_ID} (confidential: client_credentials; may also call introspection);
 *       {@link #DESKTOP_CLIENT_ID} (confidential: authorization code with PKCE, refresh tokens);
 *       {@link #PUBLIC_CLIENT_ID} (public: authorization code with PKCE; Spring Authorization Server
 *       issues public clients no refresh token for this grant);
 *       {@link #DEVICE_CLIENT_ID} (public: device flow with refresh tokens, no consent);
 *       {@link #DEVICE_CONSENT_CLIENT_ID} (the same, but asks for consent, so a user can deny it);
 *       and any confidential clients added with {@link Builder#confidentialClient}.
 *       The authorization-code clients are registered with the loopback redirect
 *       {@code http://127.0.0.1/}; as RFC 8252 §7.3 demands, any port is accepted.
 *   <li>Access tokens are JWTs (RS256, header {@code typ: JWT}) whose {@code sub} is the user's
 *       address ({@code email} too), or the client id for client_credentials. Refresh tokens are
 *       rotated on every use (the old one stops working). No grant asks for consent except
 *       {@link #DEVICE_CONSENT_CLIENT_ID}'s.
 * </ul>
 *
 * <p>Thread-safe. Starting takes one to a few seconds: start one server per test class.
 */
public final class OAuth2TestServer implements AutoCloseable {
  /** A confidential client for client_credentials (and token introspection). */
  public static final String SERVICE_CLIENT_ID = "service-client";
  /** {@link #SERVICE_CLIENT_ID}'s secret. */
  public static final String SERVICE_CLIENT_SECRET = "service-secret";
  /** A confidential client for the authorization code grant with PKCE and refresh tokens. */
  public static final String DESKTOP_CLIENT_ID = "desktop-client";
  /** {@link #DESKTOP_CLIENT_ID}'s secret. */
  public static final String DESKTOP_CLIENT_SECRET = "desktop-secret";
  /** A public client (no secret) for the authorization code grant with PKCE; gets no refresh token. */
  public static final String PUBLIC_CLIENT_ID = "public-client";
  /** A public client for the device flow (RFC 8628), with refresh tokens; no consent step. */
  public static final String DEVICE_CLIENT_ID = "device-client";
  /** Like {@link #DEVICE_CLIENT_ID} but the user is asked for consent, so {@link #denyDevice} can refuse. */
  public static final String DEVICE_CONSENT_CLIENT_ID = "device-consent-client";
  /** The users; each one's password is {@link #password(String)}. */
  public static final List<String> USERS =
      List.of("alice@example.test", "bob@example.test", "carol@example.test", "dave@example.test");
  /** The scopes every client may ask for. */
  public static final List<String> SCOPES = List.of("mail", "profile");
  private static final List<String> BUILT_IN_CLIENTS = List.of(SERVICE_CLIENT_ID, DESKTOP_CLIENT_ID, PUBLIC_CLIENT_ID,
      DEVICE_CLIENT_ID, DEVICE_CONSENT_CLIENT_ID);

  static final String TOKEN_PATH = "/oauth2/token";
  static final String AUTHORIZATION_PATH = "/oauth2/authorize";
  static final String DEVICE_AUTHORIZATION_PATH = "/oauth2/device_authorization";
  static final String DEVICE_VERIFICATION_PATH = "/oauth2/device_verification";
  static final String INTROSPECTION_PATH = "/oauth2/introspect";
  static final String REVOCATION_PATH = "/oauth2/revoke";
  static final String JWK_SET_PATH = "/oauth2/jwks";
  static final String LOOPBACK_REDIRECT = "http://127.0.0.1/";

  /**
   * Tomcat logs its start and stop at INFO through java.util.logging; a test's output does not need
   * that. Held here because java.util.logging keeps loggers only weakly (and would forget the level).
   */
  @SuppressWarnings("UnusedVariable") // held, not read: see above
  private static final List<java.util.logging.Logger> QUIET_LOGGERS = quietTomcat();
  private static final Pattern HIDDEN_INPUT = Pattern.compile("name=\"(client_id|state|user_code)\" value=\"([^\"]*)\"");
  private static final Pattern SCOPE_CHECKBOX = Pattern.compile("name=\"scope\" value=\"([^\"]*)\"");

  private final ConfigurableApplicationContext context;
  private final TokenRequestCounter counter;
  private final PrincipalTrackingAuthorizationService authorizations;
  private final RSAKey signingKey;
  private final int port;
  private final Duration startupTime;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10))
      .followRedirects(HttpClient.Redirect.NEVER)
      .version(HttpClient.Version.HTTP_1_1)
      .build();

  private OAuth2TestServer(Builder builder) {
    long started = System.nanoTime();
    // Spring Boot would otherwise reconfigure java.util.logging (or Logback) for the whole test JVM.
    if (System.getProperty("org.springframework.boot.logging.LoggingSystem") == null) {
      System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    }
    this.signingKey = TestServerConfiguration.newSigningKey();
    TestServerSettings settings = new TestServerSettings(builder.accessTokenTimeToLive, builder.refreshTokenTimeToLive,
        builder.deviceCodeTimeToLive, builder.deviceInterval, signingKey, Map.copyOf(builder.confidentialClients));
    this.counter = new TokenRequestCounter();
    this.authorizations = new PrincipalTrackingAuthorizationService();
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("server.address", "127.0.0.1");
    properties.put("server.port", Integer.toString(builder.port));
    properties.put("server.shutdown", "immediate");
    // Read no application.properties of whatever project runs the tests.
    properties.put("spring.config.name", "satchel-oauth2-testserver");
    properties.put("spring.jmx.enabled", "false");
    properties.put("spring.main.banner-mode", "off");
    properties.put("spring.main.log-startup-info", "false");
    this.context = run(builder.port, new SpringApplicationBuilder(TestServerConfiguration.class)
        .web(WebApplicationType.SERVLET)
        .bannerMode(Banner.Mode.OFF)
        .logStartupInfo(false)
        .initializers(ctx -> {
          // First, so no environment variable or system property (SERVER_PORT ...) moves the server.
          ctx.getEnvironment().getPropertySources().addFirst(new MapPropertySource("oauth2-testserver", properties));
          ctx.getBeanFactory().registerSingleton("testServerSettings", settings);
          ctx.getBeanFactory().registerSingleton("tokenRequestCounter", counter);
          // The only OAuth2AuthorizationService bean: Spring Authorization Server takes it.
          ctx.getBeanFactory().registerSingleton("principalTrackingAuthorizationService", authorizations);
        }));
    this.port = Integer.parseInt(Objects.requireNonNull(context.getEnvironment().getProperty("local.server.port"),
        "the web server did not report its port"));
    this.startupTime = Duration.ofNanos(System.nanoTime() - started);
  }

  /** Runs the application; a taken port is reported as such, naming it. */
  private static ConfigurableApplicationContext run(int port, SpringApplicationBuilder application) {
    try {
      return application.run();
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof PortInUseException || t instanceof BindException) {
          throw new IllegalStateException("the test authorization server cannot listen on 127.0.0.1:" + port
              + ": the port is taken by another process (`ss -ltnp 'sport = :" + port + "'` shows which)", e);
        }
      }
      throw e;
    }
  }

  /** Starts a server with the defaults on an ephemeral port of 127.0.0.1. */
  public static OAuth2TestServer start() {
    return builder().start();
  }

  /** Starts a server with the defaults on {@code port} of 127.0.0.1 (0: an ephemeral port). */
  public static OAuth2TestServer start(int port) {
    return builder().port(port).start();
  }

  /** A builder for a server with other lifetimes. */
  public static Builder builder() {
    return new Builder();
  }

  /** The password of {@code user}: its local part plus {@code -pw} ({@code alice-pw}). */
  public static String password(String user) {
    int at = user.indexOf('@');
    return (at < 0 ? user : user.substring(0, at)) + "-pw";
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** How long {@link #start()} took, measured around the Spring application's start. */
  public Duration startupTime() {
    return startupTime;
  }

  /** The issuer, {@code http://127.0.0.1:<port>}: the {@code iss} of every token. */
  public URI issuer() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The token endpoint. */
  public URI tokenEndpoint() {
    return endpoint(TOKEN_PATH);
  }

  /** The authorization endpoint (users sign in with HTTP Basic). */
  public URI authorizationEndpoint() {
    return endpoint(AUTHORIZATION_PATH);
  }

  /** The device authorization endpoint (RFC 8628 §3.1). */
  public URI deviceAuthorizationEndpoint() {
    return endpoint(DEVICE_AUTHORIZATION_PATH);
  }

  /** The page where a user enters a device's user code (users sign in with HTTP Basic). */
  public URI deviceVerificationEndpoint() {
    return endpoint(DEVICE_VERIFICATION_PATH);
  }

  /** The token introspection endpoint (RFC 7662); clients authenticate with HTTP Basic. */
  public URI introspectionEndpoint() {
    return endpoint(INTROSPECTION_PATH);
  }

  /** The token revocation endpoint (RFC 7009). */
  public URI revocationEndpoint() {
    return endpoint(REVOCATION_PATH);
  }

  /** The JSON Web Key Set with the key that signs the access tokens. */
  public URI jwkSetEndpoint() {
    return endpoint(JWK_SET_PATH);
  }

  /** The public key that signs the access tokens (RS256), PEM-encoded ({@code -----BEGIN PUBLIC KEY-----}). */
  public String publicKeyPem() {
    try {
      byte[] der = signingKey.toRSAPublicKey().getEncoded();
      return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
          + "\n-----END PUBLIC KEY-----\n";
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot export the signing key", e);
    }
  }

  /** The id of the key that signs the access tokens (the JWT header's {@code kid}). */
  public String signingKeyId() {
    return Objects.requireNonNull(signingKey.getKeyID());
  }

  /**
   * How many requests with this {@code grant_type} reached the token endpoint since the start (or
   * the last {@link #resetTokenRequests()}), refused ones included.
   *
   * @param grantType for example {@code refresh_token}, {@code client_credentials},
   *     {@code authorization_code}, {@code urn:ietf:params:oauth:grant-type:device_code}
   */
  public int tokenRequests(String grantType) {
    return counter.count(grantType);
  }

  /**
   * How many requests reached the introspection endpoint (RFC 7662) since the start (or the last
   * {@link #resetTokenRequests()}), refused ones included: a mail server that checks each login's token
   * there (Dovecot's oauth2 passdb) asks once per login attempt.
   */
  public int introspectionRequests() {
    return counter.introspections();
  }

  /** Sets every {@link #tokenRequests(String)} count and {@link #introspectionRequests()} back to zero. */
  public void resetTokenRequests() {
    counter.reset();
  }

  /**
   * Revokes every refresh token issued to {@code user} (and the access tokens issued beside them), as
   * an administrator or the user would; using one afterwards is answered {@code invalid_grant}.
   *
   * @return how many refresh tokens were revoked
   */
  public int revokeRefreshTokens(String user) {
    return authorizations.revokeRefreshTokens(user);
  }

  /**
   * Plays the browser at the authorization endpoint: sends {@code authorizationRequest} with
   * {@code user}'s HTTP Basic credentials and returns where the server redirects (for a loopback
   * client, {@code http://127.0.0.1:<port>/?code=...&state=...}), without following it.
   *
   * @throws IllegalStateException when the server does not redirect (for example a bad request that
   *     it cannot send back to the client); the message has the status and the start of the body
   */
  public URI signIn(URI authorizationRequest, String user) {
    HttpResponse<String> response = send(HttpRequest.newBuilder(authorizationRequest).GET(), user);
    if (response.statusCode() != 302) {
      throw new IllegalStateException("the authorization endpoint answered " + describe(response) + " instead of a redirect");
    }
    return URI.create(response.headers().firstValue("Location").orElseThrow(
        () -> new IllegalStateException("the authorization endpoint redirected without a Location")));
  }

  /**
   * Plays {@code user} entering {@code userCode} on the device verification page and approving it
   * (on the consent page too, with every requested scope, if the client asks for consent).
   *
   * @throws IllegalStateException when the server does not accept the code
   */
  public void approveDevice(String userCode, String user) {
    HttpResponse<String> page = verifyUserCode(userCode, user);
    if (isSuccessRedirect(page)) {
      return;
    }
    HttpResponse<String> answer = postConsent(page, user, true);
    if (!isSuccessRedirect(answer)) {
      throw new IllegalStateException("the device consent was answered " + describe(answer));
    }
  }

  /**
   * Plays {@code user} entering {@code userCode} and refusing on the consent page; the device then
   * gets {@code access_denied}. Needs a client that asks for consent ({@link #DEVICE_CONSENT_CLIENT_ID}).
   *
   * @throws IllegalStateException when no consent page is shown (the client asks for no consent)
   */
  public void denyDevice(String userCode, String user) {
    HttpResponse<String> page = verifyUserCode(userCode, user);
    if (page.statusCode() != 200) {
      throw new IllegalStateException("no consent page to refuse on: the device verification answered "
          + describe(page) + " (only " + DEVICE_CONSENT_CLIENT_ID + " asks for consent)");
    }
    postConsent(page, user, false);
  }

  /**
   * Asks the introspection endpoint (RFC 7662) about {@code token}, as {@link #SERVICE_CLIENT_ID}.
   *
   * @return the answer's members, for example {@code active}, {@code sub}, {@code client_id}
   */
  public Map<String, Object> introspect(String token) {
    String credentials = Base64.getEncoder().encodeToString(
        (SERVICE_CLIENT_ID + ":" + SERVICE_CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> response = send(HttpRequest.newBuilder(introspectionEndpoint())
        .header("Authorization", "Basic " + credentials)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("token", List.of(token))))), null);
    if (response.statusCode() != 200) {
      throw new IllegalStateException("the introspection endpoint answered " + describe(response));
    }
    return Json.MAPPER.readValue(response.body(), new TypeReference<Map<String, Object>>() { });
  }

  /** Stops the server. Idempotent. */
  @Override
  public void close() {
    context.close();
  }

  @Override
  public String toString() {
    return "OAuth2TestServer[" + issuer() + "]";
  }

  private URI endpoint(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private HttpResponse<String> verifyUserCode(String userCode, String user) {
    URI page = URI.create(deviceVerificationEndpoint() + "?" + form(Map.of("user_code", List.of(userCode))));
    HttpResponse<String> response = send(HttpRequest.newBuilder(page).GET(), user);
    if (response.statusCode() != 200 && !isSuccessRedirect(response)) {
      throw new IllegalStateException("the device verification of user code " + userCode + " was answered " + describe(response));
    }
    return response;
  }

  private HttpResponse<String> postConsent(HttpResponse<String> consentPage, String user, boolean approve) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    Matcher hidden = HIDDEN_INPUT.matcher(consentPage.body());
    while (hidden.find()) {
      fields.put(hidden.group(1), List.of(hidden.group(2)));
    }
    if (!fields.containsKey("state")) {
      throw new IllegalStateException("the consent page has no state field: " + describe(consentPage));
    }
    if (approve) {
      List<String> scopes = new ArrayList<>();
      Matcher scope = SCOPE_CHECKBOX.matcher(consentPage.body());
      while (scope.find()) {
        scopes.add(scope.group(1));
      }
      fields.put("scope", scopes);
    }
    return send(HttpRequest.newBuilder(deviceVerificationEndpoint())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(fields))), user);
  }

  private static boolean isSuccessRedirect(HttpResponse<String> response) {
    return response.statusCode() == 302
        && response.headers().firstValue("Location").map(l -> l.contains("success")).orElse(false);
  }

  private HttpResponse<String> send(HttpRequest.Builder request, @Nullable String user) {
    if (user != null) {
      String credentials = Base64.getEncoder().encodeToString((user + ":" + password(user)).getBytes(StandardCharsets.UTF_8));
      request.header("Authorization", "Basic " + credentials);
    }
    try {
      return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("the test authorization server at " + issuer() + " did not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while talking to the test authorization server", e);
    }
  }

  private static String describe(HttpResponse<String> response) {
    String body = response.body();
    String start = body.length() > 300 ? body.substring(0, 300) + "..." : body;
    String location = response.headers().firstValue("Location").map(l -> " Location " + l).orElse("");
    return "HTTP " + response.statusCode() + location + ": " + start;
  }

  private static String form(Map<String, List<String>> fields) {
    StringJoiner joined = new StringJoiner("&");
    fields.forEach((name, values) -> {
      for (String value : values) {
        joined.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    });
    return joined.toString();
  }

  private static List<java.util.logging.Logger> quietTomcat() {
    List<java.util.logging.Logger> loggers = new ArrayList<>();
    for (String name : List.of("org.apache.catalina", "org.apache.coyote", "org.apache.tomcat")) {
      java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
      if (logger.getLevel() == null) {
        logger.setLevel(java.util.logging.Level.WARNING);
      }
      loggers.add(logger);
    }
    return loggers;
  }

  /** Made on first use: Jackson takes a moment to start, and most tests never introspect. */
  private static final class Json {
    static final JsonMapper MAPPER = JsonMapper.builder().build();
  }

  /** Settings for a server other than the default one. Not thread-safe. */
  public static final class Builder {
    private int port;
    private Duration accessTokenTimeToLive = Duration.ofMinutes(5);
    private Duration refreshTokenTimeToLive = Duration.ofHours(1);
    private Duration deviceCodeTimeToLive = Duration.ofMinutes(5);
    private Duration deviceInterval = Duration.ofSeconds(1);
    private final Map<String, String> confidentialClients = new LinkedHashMap<>();

    private Builder() {}

    /** The port on 127.0.0.1; default 0, an ephemeral port. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** How long an access token lives, whole seconds, at least 1 s; default 5 minutes. */
    public Builder accessTokenTimeToLive(Duration ttl) {
      this.accessTokenTimeToLive = wholeSeconds("accessTokenTimeToLive", ttl);
      return this;
    }

    /** How long a refresh token lives, whole seconds, at least 1 s; default 1 hour. */
    public Builder refreshTokenTimeToLive(Duration ttl) {
      this.refreshTokenTimeToLive = wholeSeconds("refreshTokenTimeToLive", ttl);
      return this;
    }

    /** How long a device code lives, whole seconds, at least 1 s; default 5 minutes. */
    public Builder deviceCodeTimeToLive(Duration ttl) {
      this.deviceCodeTimeToLive = wholeSeconds("deviceCodeTimeToLive", ttl);
      return this;
    }

    /** The device flow's polling {@code interval}, whole seconds, at least 1 s; default 1 second. */
    public Builder deviceInterval(Duration interval) {
      this.deviceInterval = wholeSeconds("deviceInterval", interval);
      return this;
    }

    /**
     * Registers another confidential client (secret by HTTP Basic or in the form) allowed the
     * client_credentials grant; like every client, it may also call the introspection endpoint. For a
     * mail server's introspection credentials (Dovecot's oauth2 passdb), or for a service acting as a
     * mailbox: its client_credentials tokens' {@code sub} is its client id, so a client id that is a
     * mailbox address gets tokens that a mail server mapping {@code sub} to the login name accepts.
     *
     * @throws IllegalArgumentException when the id or the secret is blank, or the id is one of the
     *     built-in clients' or already registered
     */
    public Builder confidentialClient(String clientId, String clientSecret) {
      if (clientId.isBlank() || clientSecret.isBlank()) {
        throw new IllegalArgumentException("clientId and clientSecret must not be blank, client id was \"" + clientId + "\"");
      }
      if (BUILT_IN_CLIENTS.contains(clientId) || confidentialClients.containsKey(clientId)) {
        throw new IllegalArgumentException("client id " + clientId + " is already registered");
      }
      confidentialClients.put(clientId, clientSecret);
      return this;
    }

    /** Starts the server; it listens when this returns. */
    public OAuth2TestServer start() {
      return new OAuth2TestServer(this);
    }

    private static Duration wholeSeconds(String name, Duration d) {
      if (d.toSeconds() < 1 || d.toNanosPart() != 0) {
        throw new IllegalArgumentException(name + " must be whole seconds, at least 1 s, was " + d);
      }
      return d;
    }
  }
}
