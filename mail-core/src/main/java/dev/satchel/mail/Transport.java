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
   * Sends one message.
   *
   * @return the Message-ID and which recipients were accepted or refused
   * @throws MailCommandException when the server refused the message as a whole (for example every
   *     recipient, or the size)
   * @throws MailConnectionException when the connection failed and the message may not have been sent
   */
  SendResult send(OutgoingMessage message);

  /** Closes the connection. Idempotent; never throws. */
  @Override
  void close();
}
