package dev.satchel.mail.testkit;

import dev.satchel.mail.Message;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * AssertJ assertions on the mail a server received, read from a {@link Source}. Count assertions wait
 * for mail still on its way (SMTP delivery is asynchronous) up to {@link #within(Duration)}, default
 * 5 seconds; every failure lists the messages that were there.
 *
 * <pre>{@code
 * MailAssertions.assertThatReceived(server.received("alice@example.com"))
 *     .hasReceived(2)
 *     .hasReceivedMessageFrom("shop@example.com")
 *     .message(0).hasSubject("Your order");
 * }</pre>
 *
 * <p>For a {@link TestMailServer}, {@link MailAssertions#assertThat(TestMailServer)} gives a
 * {@link TestMailServerAssert} with the same assertions. Not thread-safe, like every AssertJ
 * assertion object.
 */
public final class ReceivedMailAssert extends AbstractReceivedMailAssert<ReceivedMailAssert, ReceivedMailAssert.Source> {
  /** Where the received mail comes from, for example a test server. */
  public interface Source {
    /** Every message received so far, oldest first. */
    List<Message> received();

    /**
     * Waits until at least {@code count} messages arrived.
     *
     * @return true when they did within {@code timeout}
     */
    boolean awaitReceived(int count, Duration timeout);

    /**
     * A source from two functions: {@code received} lists the mail, {@code await} waits for a count
     * of messages with a timeout (the shape of {@code TestMailServer::received} and
     * {@code TestMailServer::awaitReceived}).
     */
    static Source of(Supplier<List<Message>> received, BiPredicate<Integer, Duration> await) {
      Objects.requireNonNull(received, "received");
      Objects.requireNonNull(await, "await");
      return new Source() {
        @Override
        public List<Message> received() {
          return received.get();
        }

        @Override
        public boolean awaitReceived(int count, Duration timeout) {
          return await.test(count, timeout);
        }
      };
    }

    /** A source over a fixed list, which never waits. */
    static Source of(List<Message> messages) {
      List<Message> copy = List.copyOf(messages);
      return new Source() {
        @Override
        public List<Message> received() {
          return copy;
        }

        @Override
        public boolean awaitReceived(int count, Duration timeout) {
          return copy.size() >= count;
        }
      };
    }
  }

  ReceivedMailAssert(Source actual) {
    super(actual, ReceivedMailAssert.class);
  }

  @Override
  protected Source source() {
    return actual;
  }
}
