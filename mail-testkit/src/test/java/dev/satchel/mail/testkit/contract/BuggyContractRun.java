package dev.satchel.mail.testkit.contract;

import dev.satchel.mail.Protocol;
import java.util.Set;

/**
 * The contract suite against a fake with one deliberate bug; run only through the JUnit launcher by
 * {@link ContractCatchesBugsTest} (its name keeps Surefire from picking it up).
 */
class BuggyContractRun extends MailboxContract {
  static volatile Protocol protocol = Protocol.IMAP;
  static volatile Set<InMemoryMailbox.Bug> bugs = Set.of();

  @Override
  protected MailboxFixture newAccount() {
    InMemoryMailbox.Account account = new InMemoryMailbox.Account();
    Protocol p = protocol;
    Set<InMemoryMailbox.Bug> b = bugs;
    return MailboxFixture.of(() -> new InMemoryMailbox(account, p, b), account::deliver);
  }
}
