package dev.satchel.mail.pop3;

import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Uid;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The testkit's {@link TestMailServer} with one POP3 user, and shorthands for this module's tests:
 * plain and TLS settings, settings pointing at a proxy port, and small messages by subject.
 */
final class Pop3Fixture implements AutoCloseable {
  static final String USER = "alice@example.test";
  static final String PASSWORD = "alice-pw";

  final TestMailServer server;
  final TestUser user;

  Pop3Fixture() {
    server = TestMailServer.start();
    user = server.createUser(USER, PASSWORD);
  }

  int pop3Port() {
    return server.port(Protocol.POP3, Security.NONE);
  }

  /** Plaintext POP3 settings for the user. */
  MailSettings settings() {
    return server.settings(user, Protocol.POP3).toBuilder().readTimeout(Duration.ofSeconds(10)).build();
  }

  /** POP3 over implicit TLS, trusting the server's generated certificate. */
  MailSettings tlsSettings() {
    return server.settings(user, Protocol.POP3, Security.TLS).toBuilder().readTimeout(Duration.ofSeconds(10)).build();
  }

  /** Plaintext settings for the user at {@code port} (a proxy in front of the server). */
  MailSettings settings(int port) {
    return settings().toBuilder().server(Protocol.POP3, TestMailServer.HOST, port, Security.NONE).build();
  }

  void deliver(String subject) {
    deliver(subject, "Body of " + subject + "\r\n");
  }

  void deliver(String subject, String body) {
    String raw = "From: Bob <bob@example.test>\r\nTo: " + USER + "\r\nSubject: " + subject
        + "\r\nMessage-ID: <" + subject.replace(' ', '-') + "@example.test>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + body;
    server.deliver(user, raw.getBytes(StandardCharsets.UTF_8));
  }

  /** Messages stored on the server (deletions committed by a QUIT are gone). */
  int storedCount() {
    return server.receivedRaw().size();
  }

  /**
   * Waits (at most 30 s) until the server stores exactly {@code expected} messages and returns how
   * many it stores then: the test server may expunge a session's deletions just after answering QUIT.
   */
  int awaitStoredCount(int expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int now = storedCount();
    while (now != expected && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      now = storedCount();
    }
    return now;
  }

  /**
   * The POP3 ids of the stored messages, oldest first, as {@link Uid#asString()}. The test server's
   * UIDL is the message's IMAP UID.
   */
  List<String> pop3Ids() {
    return server.received().stream()
        .map(m -> new Uid.Pop3(Long.toString(((Uid.Imap) m.uid()).uid())).asString())
        .toList();
  }

  @Override
  public void close() {
    server.close();
  }
}
