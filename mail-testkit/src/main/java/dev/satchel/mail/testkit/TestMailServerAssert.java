package dev.satchel.mail.testkit;

import java.time.Duration;

/**
 * AssertJ assertions on a {@link TestMailServer} and the mail in its users' inboxes, from
 * {@link MailAssertions#assertThat(TestMailServer)}. The object under test is the server itself, so
 * AssertJ's own assertions behave as usual: {@code assertThat(server).isSameAs(server)} passes and
 * {@code assertThat(server).isNotEqualTo(other)} compares servers.
 *
 * <pre>{@code
 * assertThat(server).hasReceived(2).hasReceivedMessageTo("bob@example.com");
 * assertThat(server).receivedBy("bob@example.com").singleMessage().hasSubject("Welcome");
 * }</pre>
 *
 * <p>The mail assertions read {@link TestMailServer#received()} (every INBOX, oldest first); count
 * assertions wait up to {@link #within(Duration)}, default 5 seconds. Not thread-safe, like every
 * AssertJ assertion object.
 */
public final class TestMailServerAssert extends AbstractReceivedMailAssert<TestMailServerAssert, TestMailServer> {

  TestMailServerAssert(TestMailServer actual) {
    super(actual, TestMailServerAssert.class);
  }

  @Override
  protected ReceivedMailAssert.Source source() {
    TestMailServer server = actual;
    return ReceivedMailAssert.Source.of(server::received, server::awaitReceived);
  }

  /**
   * Assertions on the INBOX of the account with this address only (see
   * {@link TestMailServer#received(String)}), waiting as long as this assertion does.
   *
   * @throws IllegalArgumentException when {@code address} is not a valid email address
   */
  public ReceivedMailAssert receivedBy(String address) {
    isNotNull();
    TestMailServer server = actual;
    server.received(address); // checks the address now, not at the first assertion
    return new ReceivedMailAssert(ReceivedMailAssert.Source.of(() -> server.received(address),
        (count, timeout) -> server.awaitReceived(address, count, timeout))).within(waitTimeout());
  }
}
