package dev.satchel.mail.spi;

import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Transport;

/**
 * Opens {@link Transport} sessions. Implemented by mail-smtp and found through
 * {@link java.util.ServiceLoader}. Implementations must be thread-safe and have a public no-argument
 * constructor.
 */
public interface TransportConnector {

  /** The protocol this connector speaks (SMTP). */
  Protocol protocol();

  /**
   * Connects and, when the settings carry credentials, logs in.
   *
   * @throws dev.satchel.mail.MailConnectionException when the server cannot be reached or TLS fails
   * @throws dev.satchel.mail.MailAuthenticationException when the credentials are refused
   */
  Transport connect(MailSettings settings);
}
