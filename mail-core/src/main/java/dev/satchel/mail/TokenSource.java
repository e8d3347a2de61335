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
   * @throws MailException a failure the source can name in Satchel's terms (for example a
   *     {@link MailAuthenticationException} saying the user must sign in again); Satchel passes it
   *     to the caller unchanged
   * @throws RuntimeException any other failure to obtain a token; Satchel reports it as a
   *     {@link MailAuthenticationException}
   */
  String token(boolean forceRefresh);
}
