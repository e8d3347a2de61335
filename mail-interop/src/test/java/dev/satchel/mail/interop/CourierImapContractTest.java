package dev.satchel.mail.interop;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.interop.Harness.MailServer;
import dev.satchel.mail.testkit.contract.MailboxContract;
import dev.satchel.mail.testkit.contract.MailboxFixture;

/**
 * The testkit's {@link MailboxContract} against Courier's IMAP (implicit TLS): carol's account, emptied over IMAP
 * before each test; messages added by IMAP APPEND (Courier has no LMTP here).
 */
@Interop
class CourierImapContractTest extends MailboxContract {
  @Override
  protected MailboxFixture newAccount() {
    return Accounts.emptiedCarol(MailServer.COURIER, Protocol.IMAP, Security.TLS);
  }
}
