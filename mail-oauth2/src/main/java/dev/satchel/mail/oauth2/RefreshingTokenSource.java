package dev.satchel.mail.oauth2;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.TokenSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TokenSource} for one user's account that refreshes its access token with the refresh
 * token kept in a {@link TokenStore}: for long-running services acting for a user who signed in once.
 *
 * <pre>{@code
 * TokenSource tokens = RefreshingTokenSource.builder(client, TokenStore.file(path), "alice@example.com").build();
 * MailSettings settings = MailSettings.builder()
 *     .server(Server.of(Protocol.IMAP, "outlook.office365.com", Security.TLS))
 *     .credentials(Credentials.oauth2("alice@example.com", tokens))
 *     .build();
 * }</pre>
 *
 * <ul>
 *   <li>The access token is reused until {@code refreshMargin} (default 60 s, at most half the
 *       token's lifetime) before it expires.
 *   <li>However many threads ask at once, one refresh request goes out; the others wait for its
 *       result (at most {@link Builder#waitTimeout}, default 60 s).
 *   <li>{@code token(true)} (the mail server rejected the token) refreshes once; when another thread
 *       has refreshed since this thread was handed its token, it returns that newer token instead.
 *   <li>A new refresh token in the answer (rotation) is saved to the store at once.
 *   <li>A refused refresh token ({@code invalid_grant}: revoked, expired, already used) or none in the
 *       store ends in a {@link MailAuthenticationException} saying the user must sign in again;
 *       an unreachable server in a {@link MailConnectionException}.
 * </ul>
 *
 * <p>Thread-safe. Use one instance per account and share it: two sources refreshing the same
 * rotating refresh token would invalidate each other's.
 */
public final class RefreshingTokenSource implements TokenSource {
  private static final Logger LOG = LoggerFactory.getLogger(RefreshingTokenSource.class);

  private final OAuth2Client client;
  private final TokenStore store;
  private final String account;
  private final List<String> scopes;
  private final Clock clock;
  private final SingleFlightToken token;
  /** A rotated refresh token the store failed to save; used until a save succeeds. */
  private volatile @Nullable String unsaved;

  private RefreshingTokenSource(Builder b) {
    this.client = b.client;
    this.store = b.store;
    this.account = b.account;
    this.scopes = b.scopes;
    this.clock = b.clock;
    OAuth2Tokens initial = b.initial;
    if (initial != null && initial.refreshToken() != null) {
      store.save(account, initial.refreshToken());
    }
    this.token = new SingleFlightToken(this::refresh, clock, b.refreshMargin, b.waitTimeout, "the account " + account, initial);
  }

  /**
   * Starts a source for {@code account}, whose refresh token is (or will be) in {@code store}.
   *
   * @throws IllegalArgumentException when the account is blank
   */
  public static Builder builder(OAuth2Client client, TokenStore store, String account) {
    return new Builder(client, store, account);
  }

  /**
   * A current access token.
   *
   * @throws MailAuthenticationException when the user must sign in again (no refresh token stored,
   *     or the server refused it) or the server refused the client
   * @throws MailConnectionException when the authorization server cannot be reached or answers
   *     with something other than tokens
   */
  @Override
  public String token(boolean forceRefresh) {
    return token.token(forceRefresh);
  }

  /** The account this source gets tokens for. */
  public String account() {
    return account;
  }

  private OAuth2Tokens refresh() {
    String pending = unsaved;
    String refreshToken = pending != null ? pending : store.refreshToken(account).orElseThrow(() ->
        new MailAuthenticationException("no refresh token is stored for " + account + " in " + store
            + "; the user must sign in again"));
    OAuth2Tokens tokens;
    try {
      tokens = client.refresh(refreshToken, scopes, clock);
    } catch (OAuth2Exception e) {
      throw refused(e);
    }
    String rotated = tokens.refreshToken();
    String keep = rotated != null ? rotated : refreshToken;
    if (pending != null || (rotated != null && !rotated.equals(refreshToken))) {
      try {
        store.save(account, keep);
        unsaved = null;
      } catch (RuntimeException e) {
        // The old refresh token no longer works; keep the new one here so this process goes on.
        unsaved = keep;
        LOG.error("cannot save the new refresh token for {} to {}; it is kept in memory only, and the account "
            + "must sign in again after a restart", account, store, e);
      }
    }
    LOG.debug("refreshed the access token for {} (expires {})", account, tokens.expiresAt());
    return tokens;
  }

  private MailAuthenticationException refused(OAuth2Exception e) {
    String why = switch (e.error()) {
      case "invalid_grant" -> "refused the refresh token for " + account
          + " (invalid_grant: it was revoked, expired or already used); the user must sign in again";
      case "invalid_client", "unauthorized_client" -> "refused client " + client.clientId() + " (" + e.error()
          + "); check the client id, secret and the grants the client is allowed";
      case "invalid_scope" -> "refused the scopes " + scopes + " for " + account + " (invalid_scope)";
      default -> "refused to refresh the token for " + account + " (" + e.error() + ")";
    };
    return new MailAuthenticationException(e.endpoint() + " " + why, e);
  }

  @Override
  public String toString() {
    return "RefreshingTokenSource[account=" + account + ", client=" + client.clientId() + ", store=" + store + "]";
  }

  /** Settings for a {@link RefreshingTokenSource}. Not thread-safe. */
  public static final class Builder {
    private final OAuth2Client client;
    private final TokenStore store;
    private final String account;
    private List<String> scopes = List.of();
    private Duration refreshMargin = Duration.ofSeconds(60);
    private Duration waitTimeout = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();
    private @Nullable OAuth2Tokens initial;

    private Builder(OAuth2Client client, TokenStore store, String account) {
      this.client = Objects.requireNonNull(client, "client");
      this.store = Objects.requireNonNull(store, "store");
      if (account.isBlank()) {
        throw new IllegalArgumentException("account must not be blank");
      }
      this.account = account;
    }

    /** The scopes to ask for on each refresh; default none (the server keeps those first granted). */
    public Builder scopes(List<String> scopes) {
      this.scopes = List.copyOf(scopes);
      return this;
    }

    /**
     * How long before expiry a token is refreshed; default 60 seconds (at most half a token's
     * lifetime is used).
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder refreshMargin(Duration margin) {
      this.refreshMargin = Checks.notNegative("refreshMargin", margin);
      return this;
    }

    /**
     * How long a thread waits for another thread's refresh before giving up with a
     * {@link MailConnectionException}; default 60 seconds.
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

    /**
     * Tokens just obtained (from a sign-in flow): the access token is used until it is due, and the
     * refresh token, when present, is saved to the store by {@link #build()}.
     */
    public Builder initialTokens(OAuth2Tokens tokens) {
      this.initial = Objects.requireNonNull(tokens, "tokens");
      return this;
    }

    /** Builds the source (saving the initial refresh token, if any). */
    public RefreshingTokenSource build() {
      return new RefreshingTokenSource(this);
    }
  }
}
