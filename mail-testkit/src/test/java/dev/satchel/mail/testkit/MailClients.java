package dev.satchel.mail.testkit;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Security;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Plain Jakarta Mail clients for the tests: they use exactly the host, port and TLS trust that the
 * settings carry, with server identity (host name) checks on and finite timeouts.
 */
final class MailClients {
  private MailClients() {}

  /** The Jakarta protocol name for the settings: imap/imaps, pop3/pop3s, smtp/smtps. */
  static String protocolName(MailSettings settings) {
    String base = settings.protocol().name().toLowerCase(Locale.ROOT);
    return settings.server().security() == Security.TLS ? base + "s" : base;
  }

  /** A session configured from the settings, trusting what {@code settings.tls()} trusts. */
  static Session session(MailSettings settings) {
    String p = "mail." + protocolName(settings) + ".";
    Properties props = new Properties();
    props.setProperty(p + "host", settings.server().host());
    props.setProperty(p + "port", Integer.toString(settings.server().port()));
    props.setProperty(p + "connectiontimeout", "10000");
    props.setProperty(p + "timeout", "10000");
    props.setProperty(p + "writetimeout", "10000");
    if (settings.server().security() == Security.TLS) {
      props.setProperty(p + "ssl.enable", "true");
      props.put(p + "ssl.socketFactory", settings.tls().sslContext().getSocketFactory());
      props.setProperty(p + "ssl.checkserveridentity", "true");
    }
    return Session.getInstance(props);
  }

  /** Sends raw message bytes over SMTP (authenticated when the settings carry credentials). */
  static void send(MailSettings settings, byte[] rfc822, String recipient) throws MessagingException {
    Session session = session(settings);
    MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(rfc822));
    try (Transport transport = session.getTransport(protocolName(settings))) {
      Credentials credentials = settings.credentials();
      if (credentials instanceof Credentials.Password password) {
        session.getProperties().setProperty("mail." + protocolName(settings) + ".auth", "true");
        transport.connect(password.username(), new String(password.secret()));
      } else {
        transport.connect();
      }
      transport.sendMessage(message, new jakarta.mail.Address[] {new jakarta.mail.internet.InternetAddress(recipient)});
    }
  }

  /** Fetches every message of the INBOX over IMAP or POP3 as raw bytes. */
  static List<byte[]> fetchInbox(MailSettings settings) throws MessagingException, IOException {
    Credentials.Password password = (Credentials.Password) settings.credentials();
    Session session = session(settings);
    List<byte[]> result = new ArrayList<>();
    try (Store store = session.getStore(protocolName(settings))) {
      store.connect(password.username(), new String(password.secret()));
      try (Folder inbox = store.getFolder("INBOX")) {
        inbox.open(Folder.READ_ONLY);
        for (Message message : inbox.getMessages()) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          message.writeTo(out);
          result.add(out.toByteArray());
        }
      }
    }
    return result;
  }
}
