package dev.satchel.mail;

/**
 * Supplies OAuth2 access tokens for {@link Credentials.OAuth2}.
 *
 * <p>Satchel asks for a token on every new connection (including reconnects), so a source that
 * caches and refreshes tokens keeps long-running services logged in. When the server rejects a
 * token, Satchel asks once more with {@code forceRefresh = true} and retries once.
 *
 * <p>Implementations must be thread-safe: pooled senders and watchers may ask from several threads.
 */
@FunctionalInterface
public interface TokenSource {

  /**
   * Returns a current access token.
   *
   * @param forceRefresh true when the previous token was rejected and a fresh one is needed
   * @return the bearer token, never blank
   * @throws RuntimeException any failure to obtain a token; Satchel reports it as a
   *     {@link MailAuthenticationException}
   */
  String token(boolean forceRefresh);
}
