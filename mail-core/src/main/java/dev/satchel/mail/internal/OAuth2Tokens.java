package dev.satchel.mail.internal;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailException;
import dev.satchel.mail.Server;

/** Asks an OAuth2 credential's token source for a token, the same way for every protocol. */
public final class OAuth2Tokens {
  private OAuth2Tokens() {}

  /**
   * A token from {@code oauth}'s source.
   *
   * @param forceRefresh passed to the source: true after the server refused the previous token
   * @throws MailException the source's own {@code MailException}, unchanged (for example a
   *     {@link MailAuthenticationException} saying the user must sign in again, or a
   *     {@code MailConnectionException} when the authorization server could not be reached)
   * @throws MailAuthenticationException when the source fails otherwise or returns no token; the
   *     message names the server and the failure's type, never a token
   */
  public static String token(Credentials.OAuth2 oauth, boolean forceRefresh, Server server) {
    String token;
    try {
      token = oauth.tokens().token(forceRefresh);
    } catch (MailException e) {
      // The source already says what went wrong in Satchel's terms ("sign in again", "cannot reach
      // the authorization server"): wrapping it would hide that from the caller.
      throw e;
    } catch (RuntimeException e) {
      throw new MailAuthenticationException("the OAuth2 token source for " + oauth.username() + " failed ("
          + e.getClass().getSimpleName() + "); check the token source before connecting to " + server, e);
    }
    if (token == null || token.isBlank()) {
      throw new MailAuthenticationException("the OAuth2 token source for " + oauth.username()
          + " returned no token; check the token source before connecting to " + server, null);
    }
    return token;
  }
}
