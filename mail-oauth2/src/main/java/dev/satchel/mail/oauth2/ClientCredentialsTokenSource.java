package dev.satchel.mail.oauth2;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.TokenSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TokenSource} for a service acting as itself: the client credentials grant (RFC 6749
 * §4.4), for example Microsoft 365 app-only access to mailboxes.
 *
 * <pre>{@code
 * TokenSource tokens = ClientCredentialsTokenSource.builder(client)
 *     .scopes(List.of("https://outlook.office365.com/.default"))
 *     .build();
 * Credentials credentials = Credentials.oauth2("shared-mailbox@contoso.example", tokens);
 * }</pre>
 *
 * <p>Caches the token like {@link RefreshingTokenSource} (refreshed {@code refreshMargin}, default
 * 60 s, before it expires; one request however many threads ask; {@code token(true)} gets a new one
 * unless another thread just did). A refused client ends in a {@link MailAuthenticationException}
 * naming the error code, an unreachable server in a {@link MailConnectionException}.
 *
 * <p>Thread-safe.
 */
public final class ClientCredentialsTokenSource implements TokenSource {
  private static final Logger LOG = LoggerFactory.getLogger(ClientCredentialsTokenSource.class);

  private final OAuth2Client client;
  private final List<String> scopes;
  private final Clock clock;
  private final SingleFlightToken token;

  private ClientCredentialsTokenSource(Builder b) {
    this.client = b.client;
    this.scopes = b.scopes;
    this.clock = b.clock;
    this.token = new SingleFlightToken(this::fetch, clock, b.refreshMargin, b.waitTimeout,
        "client " + client.clientId(), null);
  }

  /** Starts a source for {@code client}, which needs its secret. */
  public static Builder builder(OAuth2Client client) {
    return new Builder(client);
  }

  /**
   * A current access token.
   *
   * @throws MailAuthenticationException when the server refuses the client or the scopes
   * @throws MailConnectionException when the authorization server cannot be reached or answers
   *     with something other than a token
   */
  @Override
  public String token(boolean forceRefresh) {
    return token.token(forceRefresh);
  }

  private OAuth2Tokens fetch() {
    try {
      OAuth2Tokens tokens = client.clientCredentials(scopes, clock);
      LOG.debug("got an access token for client {} (expires {})", client.clientId(), tokens.expiresAt());
      return tokens;
    } catch (OAuth2Exception e) {
      String hint = switch (e.error()) {
        case "invalid_client" -> "; check the client id and secret";
        case "unauthorized_client" -> "; the client may not use client credentials";
        case "invalid_scope" -> "; check the scopes " + scopes;
        default -> "";
      };
      throw new MailAuthenticationException(e.endpoint() + " refused client credentials for client " + client.clientId()
          + " (" + e.error() + ")" + hint, e);
    }
  }

  @Override
  public String toString() {
    return "ClientCredentialsTokenSource[client=" + client.clientId() + ", scopes=" + scopes + "]";
  }

  /** Settings for a {@link ClientCredentialsTokenSource}. Not thread-safe. */
  public static final class Builder {
    private final OAuth2Client client;
    private List<String> scopes = List.of();
    private Duration refreshMargin = Duration.ofSeconds(60);
    private Duration waitTimeout = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();

    private Builder(OAuth2Client client) {
      this.client = Objects.requireNonNull(client, "client");
      if (!client.hasClientSecret()) {
        throw new IllegalArgumentException("client credentials need a confidential client: " + client + " has no secret");
      }
    }

    /** The scopes to ask for, for example {@code https://outlook.office365.com/.default}; default none. */
    public Builder scopes(List<String> scopes) {
      this.scopes = List.copyOf(scopes);
      return this;
    }

    /**
     * How long before expiry a token is replaced; default 60 seconds (at most half a token's lifetime).
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder refreshMargin(Duration margin) {
      this.refreshMargin = Checks.notNegative("refreshMargin", margin);
      return this;
    }

    /**
     * How long a thread waits for another thread's request; default 60 seconds.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder waitTimeout(Duration timeout) {
      this.waitTimeout = Checks.positive("waitTimeout", timeout);
      return this;
    }

    /** The clock that decides when a token is due; default the system clock (UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Builds the source. */
    public ClientCredentialsTokenSource build() {
      return new ClientCredentialsTokenSource(this);
    }
  }
}
