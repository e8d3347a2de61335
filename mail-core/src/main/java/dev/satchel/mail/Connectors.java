package dev.satchel.mail;

import dev.satchel.mail.spi.MailboxConnector;
import dev.satchel.mail.spi.TransportConnector;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds protocol connectors through {@link ServiceLoader}, once per protocol: a lookup reads the
 * service files of every jar on the class path (tens of microseconds and kilobytes each time), and
 * connectors are stateless, so the one found first is kept. A missing connector is looked up again
 * on the next call.
 */
final class Connectors {
  private static final Map<Protocol, MailboxConnector> MAILBOX = new ConcurrentHashMap<>();
  private static final Map<Protocol, TransportConnector> TRANSPORT = new ConcurrentHashMap<>();

  private Connectors() {}

  static MailboxConnector mailboxConnector(Protocol protocol) {
    if (!protocol.isIncoming()) {
      throw new IllegalArgumentException("Mailbox.connect needs IMAP or POP3 settings, was " + protocol
          + "; use Transport.connect(settings) to send over SMTP");
    }
    MailboxConnector found = MAILBOX.get(protocol);
    if (found != null) {
      return found;
    }
    for (MailboxConnector c : ServiceLoader.load(MailboxConnector.class, Connectors.class.getClassLoader())) {
      if (c.protocol() == protocol) {
        MAILBOX.putIfAbsent(protocol, c);
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
    TransportConnector found = TRANSPORT.get(protocol);
    if (found != null) {
      return found;
    }
    for (TransportConnector c : ServiceLoader.load(TransportConnector.class, Connectors.class.getClassLoader())) {
      if (c.protocol() == protocol) {
        TRANSPORT.putIfAbsent(protocol, c);
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
