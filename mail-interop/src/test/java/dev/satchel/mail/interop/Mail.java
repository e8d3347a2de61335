package dev.satchel.mail.interop;

import dev.satchel.mail.Changes;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Small helpers shared by the interop tests. */
final class Mail {
  /** How long a message may take through Postfix's queue into Dovecot (usually ~50 ms). */
  static final Duration DELIVERY = Duration.ofSeconds(20);

  private Mail() {}

  /** A subject no other test run uses. */
  static String uniqueSubject(String what) {
    return what + " " + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A raw RFC 5322 message for LMTP seeding, with a unique Message-ID. */
  static byte[] raw(String to, String subject) {
    String id = UUID.randomUUID() + "@interop.example.test";
    return ("From: Seeder <seeder@example.org>\r\nTo: " + Harness.address(to) + "\r\nSubject: " + subject
        + "\r\nMessage-ID: <" + id + ">\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n\r\nBody of " + subject + ".\r\n.line starting with a dot\r\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A plain text message between harness users. */
  static OutgoingMessage message(String from, String to, String subject) {
    return OutgoingMessage.builder().from(Harness.address(from)).to(Harness.address(to)).subject(subject)
        .text("Hello from the Satchel interop suite.\nSecond line.").build();
  }

  /**
   * Waits until a message with this subject is in the mailbox's inbox; empty when it never came. Over
   * IMAP the same session sees new mail; a POP3 session keeps the maildrop it saw at login, so use
   * {@link #awaitSubject(Supplier, String)} for POP3.
   */
  static Optional<MessageSummary> awaitSubject(Mailbox mailbox, String subject) {
    List<MessageSummary> last = Await.until(DELIVERY, () -> mailbox.list(mailbox.inbox()), l -> hasSubject(l, subject));
    return last.stream().filter(s -> subject.equals(s.envelope().subject())).findFirst();
  }

  /** Waits until a new connection sees a message with this subject in its inbox (one connection per look). */
  static boolean awaitSubject(Supplier<Mailbox> connect, String subject) {
    return Await.until(DELIVERY, () -> {
      try (Mailbox m = connect.get()) {
        return hasSubject(m.list(m.inbox()), subject);
      }
    }, found -> found);
  }

  /** Waits until a watch reports a message with this subject as added; false when it did not within {@code timeout}. */
  static boolean awaitAdded(BlockingQueue<Changes> reported, String subject, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Changes c = reported.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (c != null && c.added().stream().anyMatch(s -> subject.equals(s.envelope().subject()))) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasSubject(List<MessageSummary> list, String subject) {
    return list.stream().anyMatch(s -> subject.equals(s.envelope().subject()));
  }
}
