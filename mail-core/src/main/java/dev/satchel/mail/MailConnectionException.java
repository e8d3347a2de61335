package dev.satchel.mail;

import org.jspecify.annotations.Nullable;

/**
 * The connection to the server failed or was lost: refused, timed out, reset, closed by the server,
 * TLS handshake or certificate failure, STARTTLS not offered when required, or a protocol answer
 * that could not be understood. The session is unusable; open a new one to continue.
 *
 * <p>One subtype says more: {@link MailDeliveryUnknownException}, a send that failed after the whole
 * message had been handed to the server, which may therefore have delivered it.
 */
public sealed class MailConnectionException extends MailException permits MailDeliveryUnknownException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; {@code message} should name the server and the cause. */
  public MailConnectionException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception without a cause. */
  public MailConnectionException(String message) {
    super(message, null);
  }
}
