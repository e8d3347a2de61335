package dev.satchel.mail.interop;

import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.interop.Harness.MailServer;
import dev.satchel.mail.testkit.contract.MailboxContract;
import dev.satchel.mail.testkit.contract.MailboxFixture;

/**
 * The testkit's {@link MailboxContract} against Cyrus's POP3 (STARTTLS): carol's account is emptied over IMAP
 * before each test, messages seeded over Cyrus's LMTP.
 */
@Interop
class CyrusPop3ContractTest extends MailboxContract {
  @Override
  protected MailboxFixture newAccount() {
    Harness harness = Harness.get();
    RawImap.empty(harness, MailServer.CYRUS, "carol");
    return MailboxFixture.of(() -> Mailbox.connect(harness.settings(MailServer.CYRUS, "carol", Protocol.POP3, Security.STARTTLS)),
        raw -> Lmtp.deliver(harness.cyrusLmtpPort(), "carol@example.test", raw));
  }
}
