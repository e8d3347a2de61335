package dev.satchel.mail;

import dev.satchel.mail.spi.MailboxConnector;
import dev.satchel.mail.spi.TransportConnector;
import java.util.Locale;
import java.util.ServiceLoader;

/** Finds protocol connectors through {@link ServiceLoader}. */
final class Connectors {
  private Connectors() {}

  static MailboxConnector mailboxConnector(Protocol protocol) {
    if (!protocol.isIncoming()) {
      throw new IllegalArgumentException("Mailbox.connect needs IMAP or POP3 settings, was " + protocol
          + "; use Transport.connect(settings) to send over SMTP");
    }
    for (MailboxConnector c : ServiceLoader.load(MailboxConnector.class, Connectors.class.getClassLoader())) {
      if (c.protocol() == protocol) {
        return c;
      }
    }
    throw missing(protocol);
  }

  static TransportConnector transportConnector(Protocol protocol) {
    if (protocol != Protocol.SMTP) {
      throw new IllegalArgumentException("Transport.connect needs SMTP settings, was " + protocol
          + "; use Mailbox.connect(settings) to read over IMAP or POP3");
    }
    for (TransportConnector c : ServiceLoader.load(TransportConnector.class, Connectors.class.getClassLoader())) {
      if (c.protocol() == protocol) {
        return c;
      }
    }
    throw missing(protocol);
  }

  private static IllegalStateException missing(Protocol protocol) {
    String artifact = "mail-" + protocol.name().toLowerCase(Locale.ROOT);
    return new IllegalStateException("no connector for " + protocol + " on the class path; add dev.satchel:" + artifact);
  }
}
