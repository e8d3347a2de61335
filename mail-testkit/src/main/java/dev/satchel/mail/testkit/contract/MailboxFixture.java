package dev.satchel.mail.testkit.contract;

import dev.satchel.mail.Mailbox;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One fresh, empty test account for one contract test: opens connections to it and delivers
 * messages into its inbox.
 *
 * <pre>{@code
 * MailboxFixture.of(
 *     () -> Mailbox.connect(server.settings(user, Protocol.IMAP)),
 *     raw -> server.deliver(user, raw));
 * }</pre>
 */
public interface MailboxFixture extends AutoCloseable {

  /** A new, connected {@link Mailbox} on this account; each call opens a new connection. */
  Mailbox open();

  /** Delivers one raw RFC 5322 message (CRLF line endings) into the account's inbox, synchronously. */
  void deliver(byte[] rfc822);

  /** Releases the account (for example deletes the user). Default: nothing. Must not throw. */
  @Override
  default void close() {}

  /** A fixture from two functions. */
  static MailboxFixture of(Supplier<Mailbox> open, Consumer<byte[]> deliver) {
    Objects.requireNonNull(open, "open");
    Objects.requireNonNull(deliver, "deliver");
    return new MailboxFixture() {
      @Override
      public Mailbox open() {
        return open.get();
      }

      @Override
      public void deliver(byte[] rfc822) {
        deliver.accept(rfc822);
      }
    };
  }
}
