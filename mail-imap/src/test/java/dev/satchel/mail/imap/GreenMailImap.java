package dev.satchel.mail.imap;

import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import jakarta.mail.Flags;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * GreenMail's IMAP server on 127.0.0.1 with a dynamic port, for these tests until the testkit's
 * TestMailServer is merged. Each test takes a fresh user, so tests never see each other's mail.
 */
final class GreenMailImap implements AutoCloseable {
  private static final AtomicInteger USERS = new AtomicInteger();
  final GreenMail greenMail;

  GreenMailImap() {
    ServerSetup setup = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP);
    greenMail = new GreenMail(setup);
    greenMail.setQuotaSupported(true);
    greenMail.start();
  }

  int port() {
    return greenMail.getImap().getPort();
  }

  record User(String address, String password, GreenMailUser gm) {}

  User newUser() {
    String address = "u" + USERS.incrementAndGet() + "-" + System.nanoTime() + "@example.test";
    GreenMailUser u = greenMail.setUser(address, address, "secret");
    return new User(address, "secret", u);
  }

  MailSettings settings(User user) {
    return settings(user, port());
  }

  static MailSettings settings(User user, int port) {
    return MailSettings.builder()
        .server(Protocol.IMAP, "127.0.0.1", port, Security.NONE)
        .password(user.address(), user.password())
        .build();
  }

  MailFolder folder(User user, String name) {
    try {
      var host = greenMail.getManagers().getImapHostManager();
      if (name.equalsIgnoreCase("INBOX")) {
        return host.getInbox(user.gm());
      }
      MailFolder f = host.getFolder(user.gm(), name);
      return f != null ? f : host.createMailbox(user.gm(), name);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Puts a message straight into a folder, as if delivered. */
  long deliver(User user, String folder, String subject, String body) {
    return folder(user, folder).appendMessage(message(subject, body), new Flags(), new Date());
  }

  static MimeMessage message(String subject, String body) {
    String raw = "From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: " + subject
        + "\r\nMessage-ID: <" + System.nanoTime() + "@example.test>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + body + "\r\n";
    return parse(raw.getBytes(StandardCharsets.UTF_8));
  }

  static MimeMessage parse(byte[] raw) {
    try {
      return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    greenMail.stop();
  }
}
