package dev.satchel.mail;

import org.jspecify.annotations.Nullable;

/**
 * A failure in the mail environment (network, server, account), as opposed to a caller bug, which
 * gets the JDK's own unchecked exceptions.
 *
 * <ul>
 *   <li>{@link MailConnectionException}: the session is gone (refused, timed out, reset, TLS failed);
 *       reconnect to continue.
 *   <li>{@link MailAuthenticationException}: the server refused the credentials.
 *   <li>{@link MailCommandException}: the server refused one command; the session is still usable.
 * </ul>
 *
 * <p>Messages name the server and what to check, never a secret.
 */
public abstract sealed class MailException extends RuntimeException
    permits MailConnectionException, MailAuthenticationException, MailCommandException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message and an optional cause. */
  protected MailException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
