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
 * assertThat(server).receivedBy("bob@example.com").singleMessage().hasSubject("Welcome");
 * }</pre>
 *
 * <p>{@code assertThat(server)} asserts on the server itself: with this class imported statically,
 * {@code assertThat(server).isSameAs(server)} still compares the server, not a wrapper.
 */
public final class MailAssertions {
  private MailAssertions() {}

  /** Assertions on one message. */
  public static MessageAssert assertThat(Message message) {
    return new MessageAssert(message);
  }

  /**
   * Assertions on a {@link TestMailServer} and the mail it received (every message in its users'
   * inboxes); count assertions wait for mail still on its way, up to
   * {@link TestMailServerAssert#within}. AssertJ's own assertions ({@code isSameAs},
   * {@code isEqualTo}, {@code isNotNull}, ...) apply to the server itself.
   */
  public static TestMailServerAssert assertThat(TestMailServer server) {
    return new TestMailServerAssert(server);
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
    return new ReceivedMailAssert(ReceivedMailAssert.Source.of(received, await));
  }

  /** Assertions on the mail a custom source received. */
  public static ReceivedMailAssert assertThatReceived(ReceivedMailAssert.Source source) {
    return new ReceivedMailAssert(source);
  }
}
