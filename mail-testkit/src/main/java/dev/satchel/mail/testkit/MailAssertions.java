package dev.satchel.mail.testkit;

import dev.satchel.mail.Message;
import java.time.Duration;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * Entry points for Satchel's AssertJ assertions. Import them statically next to AssertJ's own:
 *
 * <pre>{@code
 * import static dev.satchel.mail.testkit.MailAssertions.assertThat;
 * import static dev.satchel.mail.testkit.MailAssertions.assertThatReceived;
 *
 * assertThat(mailbox.fetch(inbox, uid)).hasSubject("Hello").hasTextContaining("world");
 * assertThat(server).hasReceived(1).hasReceivedMessageTo("bob@example.com"); // a TestMailServer
 * }</pre>
 */
public final class MailAssertions {
  private MailAssertions() {}

  /** Assertions on one message. */
  public static MessageAssert assertThat(Message message) {
    return new MessageAssert(message);
  }

  /**
   * Assertions on the mail a {@link TestMailServer} received (every message in its users' inboxes);
   * count assertions wait for mail still on its way, up to {@link ReceivedMailAssert#within}.
   */
  public static ReceivedMailAssert assertThat(TestMailServer server) {
    return assertThatReceived(server::received, server::awaitReceived);
  }

  /** Assertions on a fixed list of received messages (count assertions do not wait). */
  public static ReceivedMailAssert assertThatReceived(List<Message> messages) {
    return new ReceivedMailAssert(ReceivedMailAssert.Source.of(messages));
  }

  /**
   * Assertions on the mail a server received: {@code received} lists it, {@code await} waits for a
   * count of messages with a timeout (the shape of {@code TestMailServer::received} and
   * {@code TestMailServer::awaitReceived}).
   */
  public static ReceivedMailAssert assertThatReceived(Supplier<List<Message>> received, BiPredicate<Integer, Duration> await) {
    return new ReceivedMailAssert(new ReceivedMailAssert.Source() {
      @Override
      public List<Message> received() {
        return received.get();
      }

      @Override
      public boolean awaitReceived(int count, Duration timeout) {
        return await.test(count, timeout);
      }
    });
  }

  /** Assertions on the mail a custom source received. */
  public static ReceivedMailAssert assertThatReceived(ReceivedMailAssert.Source source) {
    return new ReceivedMailAssert(source);
  }
}
