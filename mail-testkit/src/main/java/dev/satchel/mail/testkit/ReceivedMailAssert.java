package dev.satchel.mail.testkit;

import dev.satchel.mail.Message;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on the mail a server received. Count assertions wait for mail still on its way
 * (SMTP delivery is asynchronous) up to {@link #within(Duration)}, default 5 seconds; every failure
 * lists the messages that were there.
 *
 * <pre>{@code
 * MailAssertions.assertThatReceived(server::received, server::awaitReceived)
 *     .hasReceived(2)
 *     .hasReceivedMessageTo("alice@example.com")
 *     .hasReceivedMessageFrom("shop@example.com")
 *     .message(0).hasSubject("Your order");
 * }</pre>
 *
 * <p>Not thread-safe, like every AssertJ assertion object.
 */
public final class ReceivedMailAssert extends AbstractAssert<ReceivedMailAssert, ReceivedMailAssert.Source> {
  /** How long count assertions wait by default. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);

  private Duration wait = DEFAULT_WAIT;

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

  /**
   * How long the count assertions wait for mail to arrive. Default 5 seconds.
   *
   * @throws IllegalArgumentException when negative
   */
  public ReceivedMailAssert within(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be >= 0, was " + timeout);
    }
    this.wait = timeout;
    return this;
  }

  /** Exactly {@code count} messages were received (waiting for them up to the timeout). */
  public ReceivedMailAssert hasReceived(int count) {
    isNotNull();
    actual.awaitReceived(count, wait);
    List<Message> received = actual.received();
    if (received.size() != count) {
      failWithMessage("Expected %d received messages but there were %d%s", count, received.size(), list(received));
    }
    return this;
  }

  /** At least {@code count} messages were received (waiting for them up to the timeout). */
  public ReceivedMailAssert hasReceivedAtLeast(int count) {
    isNotNull();
    if (!actual.awaitReceived(count, wait)) {
      List<Message> received = actual.received();
      failWithMessage("Expected at least %d received messages within %s but there were %d%s", count, wait, received.size(),
          list(received));
    }
    return this;
  }

  /** Nothing was received. Does not wait. */
  public ReceivedMailAssert hasReceivedNothing() {
    isNotNull();
    List<Message> received = actual.received();
    if (!received.isEmpty()) {
      failWithMessage("Expected no received messages but there were %d%s", received.size(), list(received));
    }
    return this;
  }

  /** Some received message has {@code address} among its To, Cc or Bcc addresses. */
  public ReceivedMailAssert hasReceivedMessageTo(String address) {
    return hasReceivedMatching("a message to <" + address + ">", m -> MessageAssert.contains(m.envelope().to(), address)
        || MessageAssert.contains(m.envelope().cc(), address) || MessageAssert.contains(m.envelope().bcc(), address));
  }

  /** Some received message is from {@code address}. */
  public ReceivedMailAssert hasReceivedMessageFrom(String address) {
    return hasReceivedMatching("a message from <" + address + ">", m -> MessageAssert.contains(m.envelope().from(), address));
  }

  /** Some received message has exactly this subject. */
  public ReceivedMailAssert hasReceivedMessageWithSubject(String subject) {
    return hasReceivedMatching("a message with subject \"" + subject + "\"", m -> m.subject().equals(subject));
  }

  /** Some received message matches {@code condition}, described by {@code description} in the failure. */
  public ReceivedMailAssert hasReceivedMatching(String description, Predicate<Message> condition) {
    isNotNull();
    actual.awaitReceived(1, wait);
    List<Message> received = actual.received();
    if (received.stream().noneMatch(condition)) {
      failWithMessage("Expected %s but %s", description, received.isEmpty() ? "nothing was received" : "the received messages were" + list(received));
    }
    return this;
  }

  /**
   * Assertions on the {@code index}-th received message (oldest first, from 0), waiting for it up to
   * the timeout.
   */
  public MessageAssert message(int index) {
    isNotNull();
    actual.awaitReceived(index + 1, wait);
    List<Message> received = actual.received();
    if (index < 0 || index >= received.size()) {
      failWithMessage("Expected a received message at index %d but there were %d%s", index, received.size(), list(received));
    }
    return new MessageAssert(received.get(index));
  }

  /** Assertions on the only received message; fails unless exactly one was received. */
  public MessageAssert singleMessage() {
    hasReceived(1);
    return new MessageAssert(actual.received().get(0));
  }

  private static String list(List<Message> messages) {
    if (messages.isEmpty()) {
      return "";
    }
    return IntStream.range(0, messages.size())
        .mapToObj(i -> "  #" + i + " from " + MessageAssert.show(messages.get(i).envelope().from()) + " to "
            + MessageAssert.show(messages.get(i).envelope().to()) + " subject \"" + messages.get(i).subject() + "\"")
        .collect(Collectors.joining("\n", ":\n", ""));
  }
}
