package dev.satchel.mail;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A send failed after the whole message had been handed to the SMTP server (after the final dot of
 * DATA, or the last BDAT chunk) and before the server confirmed it: the server may have accepted and
 * delivered the message. Satchel never sends such a message again by itself; whether to resend is
 * the caller's decision (a resend may deliver it twice).
 *
 * <pre>{@code
 * try {
 *   transport.send(message);
 * } catch (MailDeliveryUnknownException e) {
 *   // may have been delivered: look for e.messageId() before resending, or accept a duplicate
 *   outbox.markUncertain(e.messageId(), e.recipients());
 * } catch (MailConnectionException e) {
 *   // not delivered: safe to send again
 * }
 * }</pre>
 *
 * <p>Like every {@link MailConnectionException}, the connection is gone; the {@link Transport}
 * reconnects on its next send.
 */
public final class MailDeliveryUnknownException extends MailConnectionException {
  private static final long serialVersionUID = 1L;

  private final String messageId;
  private final List<EmailAddress> recipients;

  /**
   * Creates the exception.
   *
   * @param message what happened, naming the server
   * @param messageId the Message-ID of the message, with angle brackets
   * @param recipients the recipients the message may have reached (those the server had not refused)
   */
  public MailDeliveryUnknownException(String message, String messageId, List<EmailAddress> recipients,
      @Nullable Throwable cause) {
    super(message, cause);
    this.messageId = messageId;
    this.recipients = List.copyOf(recipients);
  }

  /** The Message-ID of the message that may have been delivered, with angle brackets. */
  public String messageId() {
    return messageId;
  }

  /** The recipients the message may have reached: those the server had not refused. */
  public List<EmailAddress> recipients() {
    return recipients;
  }
}
