package dev.satchel.mail.oauth2;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailConnectionException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs a user in on another device: the device authorization grant (RFC 8628), for programs that
 * cannot open a browser (a server, a container, an SSH session).
 *
 * <pre>{@code
 * DeviceAuthorizationFlow flow = DeviceAuthorizationFlow.builder(client)
 *     .scopes(List.of("https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access")).build();
 * DeviceCode code = flow.start();
 * System.out.println("Open " + code.verificationUri() + " and enter " + code.userCode());
 * OAuth2Tokens tokens = flow.await(code, store, "alice@example.com");
 * }</pre>
 *
 * <p>{@link #await} polls the token endpoint every {@link DeviceCode#interval()} (5 s when the
 * server sent none; {@code slow_down} adds 5 s for good) while the server answers
 * {@code authorization_pending}, and stops when the codes expire. A denied request
 * ({@code access_denied}, Microsoft's {@code authorization_declined}) or an expired one
 * ({@code expired_token}) ends in a {@link MailAuthenticationException} that says so. Google does
 * not allow its Gmail scope in this flow.
 *
 * <p>An instance may be used by several threads, one {@link DeviceCode} each.
 */
public final class DeviceAuthorizationFlow {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceAuthorizationFlow.class);
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  private static final Duration SLOW_DOWN = Duration.ofSeconds(5);
  private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  /** Waits between polls; a seam so tests need not wait. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final OAuth2Client client;
  private final URI endpoint;
  private final List<String> scopes;
  private final Clock clock;
  private final Sleeper sleeper;

  private DeviceAuthorizationFlow(Builder b, URI endpoint) {
    this.client = b.client;
    this.endpoint = endpoint;
    this.scopes = b.scopes;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
  }

  /** Starts a flow for {@code client}, whose endpoints must include a device authorization endpoint. */
  public static Builder builder(OAuth2Client client) {
    return new Builder(client);
  }

  /**
   * Asks for a user code (RFC 8628 §3.1).
   *
   * @throws MailAuthenticationException when the server refuses (for example {@code invalid_scope},
   *     or {@code unauthorized_client} when the client may not use the device flow)
   * @throws MailConnectionException when the server cannot be reached or answers with something else
   */
  public DeviceCode start() {
    Map<String, String> form = new LinkedHashMap<>();
    if (!scopes.isEmpty()) {
      form.put("scope", String.join(" ", scopes));
    }
    Instant requestedAt = clock.instant();
    Map<String, Object> json;
    try {
      json = client.post(endpoint, form);
    } catch (OAuth2Exception e) {
      throw new MailAuthenticationException(endpoint + " refused a device code to client " + client.clientId() + " ("
          + e.error() + ")", e);
    }
    String deviceCode = text(json, "device_code");
    String userCode = text(json, "user_code");
    // Google has called it verification_url.
    String verification = json.containsKey("verification_uri") ? text(json, "verification_uri") : text(json, "verification_url");
    URI complete = json.get("verification_uri_complete") instanceof String s && !s.isBlank() ? uri(s) : null;
    if (json.get("expires_in") == null) {
      throw new MailConnectionException(endpoint + " answered without expires_in");
    }
    Instant expiresAt = requestedAt.plus(OAuth2Client.lifetime(json.get("expires_in"), endpoint));
    Duration interval = json.get("interval") == null ? DEFAULT_INTERVAL : OAuth2Client.lifetime(json.get("interval"), endpoint);
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      interval = MIN_INTERVAL;
    }
    LOG.debug("device code from {} for client {}: expires {}, interval {}", endpoint, client.clientId(), expiresAt, interval);
    return new DeviceCode(deviceCode, userCode, uri(verification), complete, expiresAt, interval, client.clientId());
  }

  /**
   * Waits for the user to approve {@code code} and returns the tokens.
   *
   * @throws MailAuthenticationException when the user denies it, the codes expire first, or the
   *     server refuses otherwise
   * @throws MailConnectionException when the token endpoint cannot be reached
   * @throws IllegalArgumentException when {@code code} was started for another client
   */
  public OAuth2Tokens await(DeviceCode code) {
    if (!code.clientId().equals(client.clientId())) {
      throw new IllegalArgumentException(code + " was started for client " + code.clientId() + ", not " + client.clientId());
    }
    Duration interval = code.interval();
    while (true) {
      if (!clock.instant().plus(interval).isBefore(code.expiresAt())) {
        throw expired(code, null);
      }
      try {
        sleeper.sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MailAuthenticationException("interrupted while waiting for the user to approve user code " + code.userCode(), e);
      }
      try {
        return client.deviceCode(code.deviceCode(), scopes, clock);
      } catch (OAuth2Exception e) {
        switch (e.error()) {
          case "authorization_pending" -> LOG.trace("user code {} not yet approved", code.userCode());
          case "slow_down" -> {
            interval = interval.plus(SLOW_DOWN);
            LOG.debug("{} asked to slow down; polling every {} s", endpoint, interval.toSeconds());
          }
          case "access_denied", "authorization_declined" -> throw new MailAuthenticationException(
              "the user denied the sign-in with user code " + code.userCode() + " (" + e.error() + ")", e);
          case "expired_token" -> throw expired(code, e);
          default -> throw new MailAuthenticationException(e.endpoint() + " refused the device sign-in with user code "
              + code.userCode() + " (" + e.error() + ")", e);
        }
      }
    }
  }

  /**
   * {@link #await(DeviceCode)}, then saves the refresh token for {@code account} in {@code store}
   * (a warning is logged when the server issued none).
   *
   * @throws MailAuthenticationException like {@link #await(DeviceCode)}
   * @throws MailConnectionException like {@link #await(DeviceCode)}
   */
  public OAuth2Tokens await(DeviceCode code, TokenStore store, String account) {
    return AuthorizationCodeFlow.saved(await(code), store, account, client);
  }

  private static MailAuthenticationException expired(DeviceCode code, @Nullable OAuth2Exception cause) {
    return new MailAuthenticationException("user code " + code.userCode() + " expired at " + code.expiresAt()
        + " before the user approved it; start the sign-in again", cause);
  }

  private String text(Map<String, Object> json, String name) {
    if (json.get(name) instanceof String s && !s.isBlank()) {
      return s;
    }
    throw new MailConnectionException(endpoint + " answered without " + name);
  }

  private URI uri(String text) {
    try {
      return URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new MailConnectionException(endpoint + " answered a verification URI that is not a URI", e);
    }
  }

  @Override
  public String toString() {
    return "DeviceAuthorizationFlow[client=" + client.clientId() + ", endpoint=" + endpoint + ", scopes=" + scopes + "]";
  }

  /** Settings for a {@link DeviceAuthorizationFlow}. Not thread-safe. */
  public static final class Builder {
    private final OAuth2Client client;
    private List<String> scopes = List.of();
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = d -> Thread.sleep(d.toMillis());

    private Builder(OAuth2Client client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** The scopes to ask for; default none. */
    public Builder scopes(List<String> scopes) {
      this.scopes = List.copyOf(scopes);
      return this;
    }

    /** The clock for expiry; default the system clock (UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Builds the flow.
     *
     * @throws IllegalStateException when the client's endpoints have no device authorization endpoint
     */
    public DeviceAuthorizationFlow build() {
      URI endpoint = client.endpoints().deviceAuthorizationEndpoint();
      if (endpoint == null) {
        throw new IllegalStateException("the endpoints of " + client + " have no device authorization endpoint");
      }
      return new DeviceAuthorizationFlow(this, endpoint);
    }
  }
}
