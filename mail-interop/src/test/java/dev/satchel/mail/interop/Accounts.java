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
      case COURIER -> RawImap.append(harness, server, user, rfc822);
      case DOVECOT -> Lmtp.deliver(harness.lmtpPort(), Harness.address(user), rfc822);
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
