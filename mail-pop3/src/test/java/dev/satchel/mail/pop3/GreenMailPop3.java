package dev.satchel.mail.pop3;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

/**
 * GreenMail with POP3 (and IMAP, to look at the same mailbox another way) on loopback with dynamic
 * ports, for this module's tests until the testkit's TestMailServer is on main.
 */
final class GreenMailPop3 implements AutoCloseable {
  static final String USER = "alice@example.test";
  static final String PASSWORD = "alice-pw";

  final GreenMail greenMail;
  final GreenMailUser user;

  GreenMailPop3() {
    greenMail = new GreenMail(new ServerSetup[] {
        new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3),
        new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
    greenMail.start();
    user = greenMail.setUser(USER, USER, PASSWORD);
  }

  int pop3Port() {
    return greenMail.getPop3().getPort();
  }

  MailSettings settings() {
    return settings(pop3Port());
  }

  /** Settings for this user at {@code port} (for example a proxy in front of the server). */
  MailSettings settings(int port) {
    return MailSettings.builder()
        .server(Protocol.POP3, "127.0.0.1", port, Security.NONE)
        .password(USER, PASSWORD)
        .readTimeout(Duration.ofSeconds(10))
        .build();
  }

  void deliver(String subject) {
    deliver(subject, "Body of " + subject + "\r\n");
  }

  void deliver(String subject, String body) {
    String raw = "From: Bob <bob@example.test>\r\nTo: " + USER + "\r\nSubject: " + subject
        + "\r\nMessage-ID: <" + subject.replace(' ', '-') + "@example.test>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + body;
    try {
      user.deliver(new MimeMessage(Session.getInstance(new Properties()),
          new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8))));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Messages in the store that are not flagged deleted (what a new POP3 session would see). */
  int visibleCount() {
    try {
      return (int) greenMail.getManagers().getImapHostManager().getInbox(user).getNonDeletedMessages().size();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    greenMail.stop();
  }
}
