package dev.satchel.mail.smtp;

import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Transport;
import dev.satchel.mail.spi.TransportConnector;

/**
 * Opens SMTP {@link Transport}s on Satchel's own SMTP engine. Found through
 * {@link java.util.ServiceLoader}; applications call {@link Transport#connect(MailSettings)}.
 *
 * <p>Thread-safe and stateless.
 */
public final class SmtpConnector implements TransportConnector {

  /** Creates the connector (for {@link java.util.ServiceLoader}). */
  public SmtpConnector() {}

  @Override
  public Protocol protocol() {
    return Protocol.SMTP;
  }

  /**
   * Connects and, when the settings carry credentials, logs in.
   *
   * @throws IllegalArgumentException when the settings are not for SMTP
   * @throws dev.satchel.mail.MailConnectionException when the server cannot be reached, TLS fails or
   *     STARTTLS is required but not offered
   * @throws dev.satchel.mail.MailAuthenticationException when the credentials are refused
   */
  @Override
  public Transport connect(MailSettings settings) {
    if (settings.protocol() != Protocol.SMTP) {
      throw new IllegalArgumentException("SmtpConnector needs SMTP settings, was " + settings.protocol());
    }
    return SmtpTransport.open(settings);
  }
}
