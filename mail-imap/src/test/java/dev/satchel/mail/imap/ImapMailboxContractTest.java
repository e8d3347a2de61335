package dev.satchel.mail.imap;

import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestMailServerExtension;
import dev.satchel.mail.testkit.TestUser;
import dev.satchel.mail.testkit.contract.MailboxContract;
import dev.satchel.mail.testkit.contract.MailboxFixture;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's Mailbox contract suite, run against the IMAP Mailbox on the testkit's server. */
class ImapMailboxContractTest extends MailboxContract {
  @RegisterExtension
  static TestMailServerExtension servers = new TestMailServerExtension();

  static TestMailServer server;

  @BeforeAll
  static void server(TestMailServer s) {
    server = s;
  }

  @Override
  protected MailboxFixture newAccount() {
    TestUser user = server.createUser("u" + UUID.randomUUID() + "@example.com", "secret");
    return MailboxFixture.of(() -> Mailbox.connect(server.settings(user, Protocol.IMAP)), raw -> server.deliver(user, raw));
  }
}
