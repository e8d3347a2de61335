package dev.satchel.mail;

import org.jspecify.annotations.Nullable;

/**
 * The server refused the credentials. The message names the server and user and says what to check
 * (password, app password, whether IMAP/POP is enabled for the account); it never contains the
 * secret.
 */
public final class MailAuthenticationException extends MailException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public MailAuthenticationException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception without a cause. */
  public MailAuthenticationException(String message) {
    super(message, null);
  }
}
