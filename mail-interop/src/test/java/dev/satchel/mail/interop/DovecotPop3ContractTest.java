package dev.satchel.mail.interop;

import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.testkit.contract.MailboxContract;
import dev.satchel.mail.testkit.contract.MailboxFixture;

/**
 * The testkit's {@link MailboxContract} against Dovecot's POP3 (STLS on 11110): a fresh account per
 * test (reset.sh empties carol's mail home), messages seeded over LMTP.
 */
@Interop
class DovecotPop3ContractTest extends MailboxContract {
  @Override
  protected MailboxFixture newAccount() {
    Harness harness = Harness.get();
    harness.reset("carol");
    return MailboxFixture.of(() -> Mailbox.connect(harness.settings("carol", Protocol.POP3, Security.STARTTLS)),
        raw -> Lmtp.deliver(harness.lmtpPort(), "carol@example.test", raw));
  }
}
