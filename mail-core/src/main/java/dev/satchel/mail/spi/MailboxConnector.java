package dev.satchel.mail.spi;

import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;

/**
 * Opens {@link Mailbox} sessions for one incoming protocol. Implemented by mail-imap and mail-pop3
 * and found through {@link java.util.ServiceLoader}. Implementations must be thread-safe and have a
 * public no-argument constructor.
 */
public interface MailboxConnector {

  /** The protocol this connector speaks (IMAP or POP3). */
  Protocol protocol();

  /**
   * Connects and logs in.
   *
   * @throws dev.satchel.mail.MailConnectionException when the server cannot be reached or TLS fails
   * @throws dev.satchel.mail.MailAuthenticationException when the credentials are refused
   */
  Mailbox connect(MailSettings settings);

  /**
   * Connects and logs in with tuning options. The default ignores {@code options}; connectors that
   * have something to tune override it.
   *
   * @throws dev.satchel.mail.MailConnectionException when the server cannot be reached or TLS fails
   * @throws dev.satchel.mail.MailAuthenticationException when the credentials are refused
   */
  default Mailbox connect(MailSettings settings, dev.satchel.mail.MailboxOptions options) {
    return connect(settings);
  }
}
