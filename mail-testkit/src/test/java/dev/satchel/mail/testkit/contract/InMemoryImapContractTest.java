package dev.satchel.mail.testkit.contract;

import dev.satchel.mail.Protocol;
import java.util.Set;

/** The contract suite against the IMAP-like in-memory fake: every capability present. */
class InMemoryImapContractTest extends MailboxContract {
  @Override
  protected MailboxFixture newAccount() {
    InMemoryMailbox.Account account = new InMemoryMailbox.Account();
    return MailboxFixture.of(() -> new InMemoryMailbox(account, Protocol.IMAP, Set.of()), account::deliver);
  }
}
