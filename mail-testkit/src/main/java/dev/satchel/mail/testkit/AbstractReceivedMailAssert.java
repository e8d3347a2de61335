package dev.satchel.mail.testkit;

import dev.satchel.mail.Message;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.AbstractObjectAssert;

/**
 * The assertions on received mail that {@link ReceivedMailAssert} and {@link TestMailServerAssert}
 * share. The object under test ({@code actual}) is what was passed to {@code assertThat}, so AssertJ's
 * own assertions ({@code isSameAs}, {@code isEqualTo}, {@code isNotNull}, {@code extracting}, ...)
 * apply to it; the mail assertions read the mail through {@link #source()}.
 *
 * <p>Count assertions wait for mail still on its way (SMTP delivery is asynchronous) up to
 * {@link #within(Duration)}, default 5 seconds; every failure lists the messages that were there.
 * Not thread-safe, like every AssertJ assertion object.
 *
 * @param <SELF> the concrete assertion type, returned by the chained methods
 * @param <ACTUAL> the type of the object under test
 */
public abstract class AbstractReceivedMailAssert<SELF extends AbstractReceivedMailAssert<SELF, ACTUAL>, ACTUAL>
    extends AbstractObjectAssert<SELF, ACTUAL> {
  /** How long count assertions wait by default. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);

  private Duration wait = DEFAULT_WAIT;

  /**
   * For subclasses.
   *
   * @param actual the object under test
   * @param selfType the concrete assertion class
   */
  protected AbstractReceivedMailAssert(ACTUAL actual, Class<?> selfType) {
    super(actual, selfType);
  }

  /** Where the received mail is read from; called after {@code isNotNull()}. */
  protected abstract ReceivedMailAssert.Source source();

  /** How long the count assertions wait; {@link #DEFAULT_WAIT} unless {@link #within} changed it. */
  protected final Duration waitTimeout() {
    return wait;
  }

  /**
   * How long the count assertions wait for mail to arrive. Default 5 seconds.
   *
   * @throws IllegalArgumentException when negative
   */
  public SELF within(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be >= 0, was " + timeout);
    }
    this.wait = timeout;
    return myself;
  }

  /** Exactly {@code count} messages were received (waiting for them up to the timeout). */
  public SELF hasReceived(int count) {
    ReceivedMailAssert.Source source = checkedSource();
    source.awaitReceived(count, wait);
    List<Message> received = source.received();
    if (received.size() != count) {
      failWithMessage("Expected %d received messages but there were %d%s", count, received.size(), list(received));
    }
    return myself;
  }

  /** At least {@code count} messages were received (waiting for them up to the timeout). */
  public SELF hasReceivedAtLeast(int count) {
    ReceivedMailAssert.Source source = checkedSource();
    if (!source.awaitReceived(count, wait)) {
      List<Message> received = source.received();
      failWithMessage("Expected at least %d received messages within %s but there were %d%s", count, wait, received.size(),
          list(received));
    }
    return myself;
  }

  /** Nothing was received. Does not wait. */
  public SELF hasReceivedNothing() {
    List<Message> received = checkedSource().received();
    if (!received.isEmpty()) {
      failWithMessage("Expected no received messages but there were %d%s", received.size(), list(received));
    }
    return myself;
  }

  /** Some received message has {@code address} among its To, Cc or Bcc addresses. */
  public SELF hasReceivedMessageTo(String address) {
    return hasReceivedMatching("a message to <" + address + ">", m -> MessageAssert.contains(m.envelope().to(), address)
        || MessageAssert.contains(m.envelope().cc(), address) || MessageAssert.contains(m.envelope().bcc(), address));
  }

  /** Some received message is from {@code address}. */
  public SELF hasReceivedMessageFrom(String address) {
    return hasReceivedMatching("a message from <" + address + ">", m -> MessageAssert.contains(m.envelope().from(), address));
  }

  /** Some received message has exactly this subject. */
  public SELF hasReceivedMessageWithSubject(String subject) {
    return hasReceivedMatching("a message with subject \"" + subject + "\"", m -> m.subject().equals(subject));
  }

  /** Some received message matches {@code condition}, described by {@code description} in the failure. */
  public SELF hasReceivedMatching(String description, Predicate<Message> condition) {
    ReceivedMailAssert.Source source = checkedSource();
    source.awaitReceived(1, wait);
    List<Message> received = source.received();
    if (received.stream().noneMatch(condition)) {
      failWithMessage("Expected %s but %s", description, received.isEmpty() ? "nothing was received" : "the received messages were" + list(received));
    }
    return myself;
  }

  /**
   * Assertions on the {@code index}-th received message (oldest first, from 0), waiting for it up to
   * the timeout.
   */
  public MessageAssert message(int index) {
    ReceivedMailAssert.Source source = checkedSource();
    source.awaitReceived(index + 1, wait);
    List<Message> received = source.received();
    if (index < 0 || index >= received.size()) {
      failWithMessage("Expected a received message at index %d but there were %d%s", index, received.size(), list(received));
    }
    return new MessageAssert(received.get(index));
  }

  /** Assertions on the only received message; fails unless exactly one was received. */
  public MessageAssert singleMessage() {
    hasReceived(1);
    return new MessageAssert(source().received().get(0));
  }

  private ReceivedMailAssert.Source checkedSource() {
    isNotNull();
    return source();
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
