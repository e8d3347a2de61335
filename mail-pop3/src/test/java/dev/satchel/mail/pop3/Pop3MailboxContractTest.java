package dev.satchel.mail.pop3;

import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import dev.satchel.mail.testkit.contract.MailboxContract;
import dev.satchel.mail.testkit.contract.MailboxFixture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's Mailbox contract suite against the POP3 mailbox on the test server: one fresh account per test. */
class Pop3MailboxContractTest extends MailboxContract {
  private static final AtomicInteger ACCOUNTS = new AtomicInteger();
  private static TestMailServer server;

  @BeforeAll
  static void startServer() {
    server = TestMailServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected MailboxFixture newAccount() {
    TestUser user = server.createUser("contract" + ACCOUNTS.incrementAndGet() + "@example.test", "contract-pw");
    return MailboxFixture.of(() -> Mailbox.connect(server.settings(user, Protocol.POP3)), raw -> server.deliver(user, raw));
  }
}
