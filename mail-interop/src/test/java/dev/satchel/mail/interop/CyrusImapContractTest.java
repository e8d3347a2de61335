package dev.satchel.mail.interop;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.interop.Harness.MailServer;
import dev.satchel.mail.testkit.contract.MailboxContract;
import dev.satchel.mail.testkit.contract.MailboxFixture;

/**
 * The testkit's {@link MailboxContract} against Cyrus's IMAP (implicit TLS): carol's account, emptied over IMAP
 * before each test; messages delivered over Cyrus's LMTP.
 */
@Interop
class CyrusImapContractTest extends MailboxContract {
  @Override
  protected MailboxFixture newAccount() {
    return Accounts.emptiedCarol(MailServer.CYRUS, Protocol.IMAP, Security.TLS);
  }
}
