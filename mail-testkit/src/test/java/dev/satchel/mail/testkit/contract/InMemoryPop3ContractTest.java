package dev.satchel.mail.testkit.contract;

import dev.satchel.mail.Protocol;
import java.util.Set;

/** The contract suite against the POP3-like in-memory fake: most capabilities absent. */
class InMemoryPop3ContractTest extends MailboxContract {
  @Override
  protected MailboxFixture newAccount() {
    InMemoryMailbox.Account account = new InMemoryMailbox.Account();
    return MailboxFixture.of(() -> new InMemoryMailbox(account, Protocol.POP3, Set.of()), account::deliver);
  }
}
