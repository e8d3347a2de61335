package dev.satchel.mail.interop;

import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.interop.Harness.MailServer;
import dev.satchel.mail.testkit.contract.MailboxFixture;

/** Accounts on Cyrus and Courier for the tests: emptied over IMAP, mail delivered the way each server takes it. */
final class Accounts {
  private Accounts() {}

  /** Delivers a raw message to a user's INBOX: over LMTP on Cyrus, by IMAP APPEND on Courier. */
  static void deliver(Harness harness, MailServer server, String user, byte[] rfc822) {
    switch (server) {
      case CYRUS -> Lmtp.deliver(harness.cyrusLmtpPort(), Harness.address(user), rfc822);
      case COURIER -> {
        awaitCourierOrderableName();
        RawImap.append(harness, server, user, rfc822);
      }
      case DOVECOT -> Lmtp.deliver(harness.lmtpPort(), Harness.address(user), rfc822);
    }
  }

  /**
   * Courier names a Maildir file {@code <seconds>.M<microseconds>P<pid>...} with no leading zeros in the
   * microseconds, and its POP3 numbers messages in file-name order: a message stored in the first
   * 100 ms of a second ({@code M99999}) sorts after one stored later in that second ({@code M100000}),
   * so POP3 would list them out of delivery order. Storing only when the clock (the server's: same
   * machine) is past the first 100 ms of a second keeps names and delivery order the same. The last
   * 50 ms of a second are avoided too: the server names the file a few milliseconds after this check,
   * and a name from the first milliseconds of the next second ({@code M2000}) would sort after the
   * next message's ({@code M110000}). On average this waits about 15 ms.
   */
  private static void awaitCourierOrderableName() {
    long millis = System.currentTimeMillis() % 1000;
    long wait = millis < 110 ? 110 - millis : millis > 950 ? 1110 - millis : 0;
    if (wait > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(wait * 1_000_000L);
    }
  }

  /** carol's account on a server, emptied, as a contract-suite fixture over the given protocol and security. */
  static MailboxFixture emptiedCarol(MailServer server, Protocol protocol, Security security) {
    Harness harness = Harness.get();
    RawImap.empty(harness, server, "carol");
    return MailboxFixture.of(() -> Mailbox.connect(harness.settings(server, "carol", protocol, security)),
        raw -> deliver(harness, server, "carol", raw));
  }
}
