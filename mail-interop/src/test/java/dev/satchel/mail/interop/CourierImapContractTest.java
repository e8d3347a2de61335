package dev.satchel.mail.interop;

import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.interop.Harness.MailServer;
import dev.satchel.mail.testkit.contract.MailboxContract;
import dev.satchel.mail.testkit.contract.MailboxFixture;

/**
 * The testkit's {@link MailboxContract} against Courier's IMAP (implicit TLS): carol's account is emptied over IMAP
 * before each test, messages seeded by IMAP APPEND (the harness gives Courier no LMTP).
 */
@Interop
class CourierImapContractTest extends MailboxContract {
  @Override
  protected MailboxFixture newAccount() {
    Harness harness = Harness.get();
    RawImap.empty(harness, MailServer.COURIER, "carol");
    return MailboxFixture.of(() -> Mailbox.connect(harness.settings(MailServer.COURIER, "carol", Protocol.IMAP, Security.TLS)),
        raw -> RawImap.append(harness, MailServer.COURIER, "carol", raw));
  }
}
