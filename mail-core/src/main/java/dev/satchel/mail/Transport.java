package dev.satchel.mail;

/**
 * An SMTP session that sends messages over one connection, reused across sends.
 *
 * <pre>{@code
 * try (Transport smtp = Transport.connect(settings)) {
 *   SendResult result = smtp.send(message);
 *   if (!result.isComplete()) { ... result.rejected() ... }
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one {@code Transport} per thread (a pooled sender is available for services).
 * {@link #close()} is idempotent and never throws.
 */
public interface Transport extends AutoCloseable {

  /**
   * Connects (and logs in when the settings carry credentials), using the SMTP connector found on
   * the class or module path.
   *
   * @throws IllegalArgumentException when the settings are not for SMTP
   * @throws IllegalStateException when no SMTP connector is present, naming the artifact to add
   * @throws MailConnectionException when the server cannot be reached or TLS fails
   * @throws MailAuthenticationException when the server refuses the credentials
   */
  static Transport connect(MailSettings settings) {
    return Connectors.transportConnector(settings.protocol()).connect(settings);
  }

  /**
   * Sends one message with {@link SendOptions#defaults()}: partial delivery allowed, no Sent copy.
   *
   * @return the Message-ID and which recipients were accepted or refused
   * @throws MailCommandException when the server refused the message as a whole (for example every
   *     recipient, or the size)
   * @throws MailConnectionException when the connection failed and the message may not have been sent
   */
  default SendResult send(OutgoingMessage message) {
    return send(message, SendOptions.defaults());
  }

  /**
   * Sends one message with the given options.
   *
   * <p>When the connection was lost before the message was handed over (the server closed an idle
   * connection, a reset, a timeout before DATA ended), the transport reconnects and sends once more.
   * It never resends once the end of the message data was written, because the server may already
   * have accepted it.
   *
   * @return the Message-ID and which recipients were accepted or refused
   * @throws MailCommandException when the server refused the message as a whole (every recipient,
   *     the sender, the size, or any recipient with {@link SendOptions#requireAllRecipients()});
   *     {@link MailCommandException#rejectedRecipients()} lists refused recipients
   * @throws MailConnectionException when the connection failed; its message says whether the server
   *     may have accepted the message
   */
  SendResult send(OutgoingMessage message, SendOptions options);

  /** Closes the connection. Idempotent; never throws. */
  @Override
  void close();
}
