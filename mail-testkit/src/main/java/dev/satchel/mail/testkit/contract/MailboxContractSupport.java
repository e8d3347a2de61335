package dev.satchel.mail.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Uid;
import dev.satchel.mail.UnsupportedCapabilityException;
import dev.satchel.mail.testkit.Seeder;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The plumbing of the contract suite: one fresh account per test, connections closed after each
 * test, message seeding and the capability check. Extend {@link MailboxContract}, not this class.
 */
public abstract class MailboxContractSupport {
  private @Nullable MailboxFixture account;
  private final List<Mailbox> opened = new ArrayList<>();
  private int batches;

  /** For subclasses. */
  protected MailboxContractSupport() {}

  /**
   * A fresh, empty account for the next test. Called once before each test; the fixture is closed
   * after it.
   */
  protected abstract MailboxFixture newAccount();

  /** Opens the account for the test. */
  @BeforeEach
  public final void openAccount() {
    account = newAccount();
  }

  /** Closes every connection the test opened, then the account. */
  @AfterEach
  public final void closeAccount() {
    for (Mailbox m : opened) {
      m.close();
    }
    opened.clear();
    MailboxFixture a = account;
    account = null;
    if (a != null) {
      a.close();
    }
  }

  /** The current test's account. */
  protected final MailboxFixture account() {
    MailboxFixture a = account;
    if (a == null) {
      throw new IllegalStateException("no account: call this from a test method");
    }
    return a;
  }

  /** A new connection to the current account, closed after the test (closing it earlier is fine). */
  protected final Mailbox open() {
    Mailbox m = account().open();
    opened.add(m);
    return m;
  }

  /** Delivers {@code count} generated messages with subjects {@code "<prefix> 0"...}; returns the batch. */
  protected final Seeder.Batch deliver(int count, String prefix) {
    Seeder.Batch batch = Seeder.messages(count).subjectPrefix(prefix).seed(++batches).from("contract@example.com")
        .to("account@example.com");
    batch.build().forEach(account()::deliver);
    return batch;
  }

  /** The UIDs of a listing, in order. */
  protected static List<Uid> uids(List<MessageSummary> summaries) {
    return summaries.stream().map(MessageSummary::uid).toList();
  }

  /** An operation that may throw anything. */
  @FunctionalInterface
  protected interface Operation {
    /** Runs the operation. */
    void run() throws Exception;
  }

  /**
   * The capability invariant for one operation: when {@code mailbox} has {@code capability},
   * {@code whenPresent} runs (and asserts that the operation worked); otherwise {@code call} must throw
   * {@link UnsupportedCapabilityException} naming that capability and the mailbox's protocol.
   */
  protected static void checkCapability(Mailbox mailbox, Capability capability, Operation whenPresent, Operation call)
      throws Exception {
    if (mailbox.supports(capability)) {
      whenPresent.run();
    } else {
      assertThatThrownBy(call::run)
          .as("without %s, the operation must throw UnsupportedCapabilityException", capability)
          .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> {
            assertThat(e.capability()).as("the exception's capability").isEqualTo(capability);
            assertThat(e.protocol()).as("the exception's protocol").isEqualTo(mailbox.protocol());
          });
    }
  }
}
