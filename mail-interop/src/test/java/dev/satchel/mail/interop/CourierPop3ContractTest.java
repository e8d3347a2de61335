package dev.satchel.mail.interop;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.interop.Harness.MailServer;
import dev.satchel.mail.testkit.contract.MailboxContract;
import dev.satchel.mail.testkit.contract.MailboxFixture;

/**
 * The testkit's {@link MailboxContract} against Courier's POP3 (STARTTLS): carol's account, emptied over IMAP
 * before each test; messages added by IMAP APPEND (Courier has no LMTP here).
 */
@Interop
class CourierPop3ContractTest extends MailboxContract {
  @Override
  protected MailboxFixture newAccount() {
    return Accounts.emptiedCarol(MailServer.COURIER, Protocol.POP3, Security.STARTTLS);
  }
}
