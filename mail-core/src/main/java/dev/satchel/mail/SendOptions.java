package dev.satchel.mail;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How one message is sent: what to do when the server refuses some recipients, and whether to keep a
 * copy in the account's Sent folder.
 *
 * <pre>{@code
 * SendOptions strict = SendOptions.builder()
 *     .requireAllRecipients(true)   // any refused recipient: nothing is sent
 *     .saveToSent(imapMailbox)      // after sending, append a copy to the Sent folder
 *     .build();
 * SendResult result = transport.send(message, strict);
 * }</pre>
 *
 * <p>Defaults ({@link #defaults()}): a message that some recipients accept is sent to them and the
 * refused ones are listed in {@link SendResult#rejected()}; no copy is saved.
 *
 * <p>Immutable and thread-safe. The {@link Mailbox} given to {@link Builder#saveToSent(Mailbox)} is
 * not thread-safe itself; Satchel locks on it while appending, so one mailbox may serve several
 * sending threads, one append at a time.
 */
public final class SendOptions {
  private static final SendOptions DEFAULTS = new Builder().build();

  private final boolean requireAllRecipients;
  private final @Nullable Mailbox sentMailbox;

  private SendOptions(Builder b) {
    this.requireAllRecipients = b.requireAllRecipients;
    this.sentMailbox = b.sentMailbox;
  }

  /** The defaults: partial delivery allowed, no Sent copy. */
  public static SendOptions defaults() {
    return DEFAULTS;
  }

  /** A new builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, for a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.requireAllRecipients = requireAllRecipients;
    b.sentMailbox = sentMailbox;
    return b;
  }

  /**
   * True when a single refused recipient fails the whole message before any content is sent
   * (the server receives no DATA); false (the default) when the message goes to the recipients that
   * were accepted.
   */
  public boolean requireAllRecipients() {
    return requireAllRecipients;
  }

  /** The mailbox whose Sent folder receives a copy after a successful send; empty by default. */
  public Optional<Mailbox> saveToSent() {
    return Optional.ofNullable(sentMailbox);
  }

  @Override
  public String toString() {
    return "SendOptions[requireAllRecipients=" + requireAllRecipients + ", saveToSent=" + (sentMailbox != null) + "]";
  }

  /** Builds {@link SendOptions}. Not thread-safe. */
  public static final class Builder {
    private boolean requireAllRecipients;
    private @Nullable Mailbox sentMailbox;

    private Builder() {}

    /**
     * Whether any refused recipient fails the whole message before DATA. Default false: the message
     * is sent to the accepted recipients and the refused ones are reported in the result.
     */
    public Builder requireAllRecipients(boolean require) {
      this.requireAllRecipients = require;
      return this;
    }

    /**
     * After a successful send, append the message (same Message-ID, marked seen) to the Sent folder
     * of {@code mailbox}, found by its special use ({@link Mailbox#specialFolder(SpecialUse)}). The
     * outcome is reported in {@link SendResult#sentCopy()}; a failed copy never turns a successful
     * send into an exception, so callers never resend because of it.
     */
    public Builder saveToSent(Mailbox mailbox) {
      this.sentMailbox = Objects.requireNonNull(mailbox, "mailbox");
      return this;
    }

    /** Builds the options. */
    public SendOptions build() {
      return new SendOptions(this);
    }
  }
}
