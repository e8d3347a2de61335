package dev.satchel.mail.imap;

import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.spi.MailboxConnector;

/**
 * Opens IMAP {@link Mailbox} sessions over Angus Mail's imap provider. Found through
 * {@link java.util.ServiceLoader}; applications call {@link Mailbox#connect(MailSettings)} instead of
 * using this class. Thread-safe and stateless.
 */
public final class ImapConnector implements MailboxConnector {

  /** Creates the connector; called by {@link java.util.ServiceLoader}. */
  public ImapConnector() {}

  @Override
  public Protocol protocol() {
    return Protocol.IMAP;
  }

  /**
   * Connects and logs in with {@link MailboxOptions#defaults()}.
   *
   * @throws IllegalArgumentException when the settings are not for IMAP
   */
  @Override
  public Mailbox connect(MailSettings settings) {
    return connect(settings, MailboxOptions.defaults());
  }

  /**
   * Connects and logs in.
   *
   * @throws IllegalArgumentException when the settings are not for IMAP
   */
  @Override
  public Mailbox connect(MailSettings settings, MailboxOptions options) {
    if (settings.protocol() != Protocol.IMAP) {
      throw new IllegalArgumentException("ImapConnector needs IMAP settings, was " + settings.protocol());
    }
    return ImapMailbox.connect(settings, options, false);
  }
}
