package dev.satchel.mail;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How one message is sent: what to do when the server refuses some recipients, whether to keep a
 * copy in the account's Sent folder, which delivery status notifications to ask for (DSN, RFC 3461)
 * and whether TLS is required all the way to the recipients (REQUIRETLS, RFC 8689).
 *
 * <pre>{@code
 * SendOptions strict = SendOptions.builder()
 *     .requireAllRecipients(true)                      // any refused recipient: nothing is sent
 *     .saveToSent(imapMailbox)                         // after sending, append a copy to the Sent folder
 *     .notify(EnumSet.of(Notify.FAILURE, Notify.DELAY)) // DSN for every recipient
 *     .notify("ceo@example.com", EnumSet.noneOf(Notify.class)) // NOTIFY=NEVER for this one
 *     .returnContent(Return.HEADERS)                   // RET=HDRS
 *     .envelopeId("order-4711")                        // ENVID, quoted back in the reports
 *     .build();
 * SendResult result = transport.send(message, strict);
 * }</pre>
 *
 * <p>Defaults ({@link #defaults()}): a message that some recipients accept is sent to them and the
 * refused ones are listed in {@link SendResult#rejected()}; no copy is saved; no DSN parameters are
 * sent (the server's own defaults apply); TLS is not required beyond this connection.
 *
 * <p>DSN options and {@link Builder#requireTls(boolean)} need the server to offer the extension
 * (DSN, REQUIRETLS); when it does not, the send fails with a {@link MailCommandException} before
 * anything is sent, rather than quietly dropping what was asked for.
 *
 * <p>Immutable and thread-safe. The {@link Mailbox} given to {@link Builder#saveToSent(Mailbox)} is
 * not thread-safe itself; Satchel locks on it while appending, so one mailbox may serve several
 * sending threads, one append at a time.
 */
public final class SendOptions {
  private static final SendOptions DEFAULTS = new Builder().build();

  /** When a delivery status notification is wanted for a recipient (RFC 3461 NOTIFY); none means NEVER. */
  public enum Notify {
    /** On successful delivery. */
    SUCCESS,
    /** On failed delivery. */
    FAILURE,
    /** When delivery is delayed. */
    DELAY
  }

  /** How much of the message a failure report carries back (RFC 3461 RET). */
  public enum Return {
    /** The whole message (RET=FULL). */
    FULL,
    /** Only its headers (RET=HDRS). */
    HEADERS
  }

  private final boolean requireAllRecipients;
  private final @Nullable Mailbox sentMailbox;
  private final @Nullable Set<Notify> notifyAll;
  private final Map<String, Set<Notify>> notifyByRecipient;
  private final Map<String, String> originalRecipients;
  private final @Nullable Return returnContent;
  private final @Nullable String envelopeId;
  private final boolean requireTls;
  private final @Nullable DkimSigner dkim;

  private SendOptions(Builder b) {
    this.requireAllRecipients = b.requireAllRecipients;
    this.sentMailbox = b.sentMailbox;
    this.notifyAll = b.notifyAll;
    this.notifyByRecipient = Collections.unmodifiableMap(new LinkedHashMap<>(b.notifyByRecipient));
    this.originalRecipients = Collections.unmodifiableMap(new LinkedHashMap<>(b.originalRecipients));
    this.returnContent = b.returnContent;
    this.envelopeId = b.envelopeId;
    this.requireTls = b.requireTls;
    this.dkim = b.dkim;
  }

  /** The defaults: partial delivery allowed, no Sent copy, no DSN parameters, no REQUIRETLS. */
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
    b.notifyAll = notifyAll;
    b.notifyByRecipient.putAll(notifyByRecipient);
    b.originalRecipients.putAll(originalRecipients);
    b.returnContent = returnContent;
    b.envelopeId = envelopeId;
    b.requireTls = requireTls;
    b.dkim = dkim;
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

  /**
   * The DSN NOTIFY conditions for {@code recipient}: its own, else the ones for every recipient, else
   * empty (no NOTIFY parameter: the server's default). A present empty set means NOTIFY=NEVER.
   */
  public Optional<Set<Notify>> notify(EmailAddress recipient) {
    Set<Notify> own = notifyByRecipient.get(key(recipient.address()));
    return Optional.ofNullable(own != null ? own : notifyAll);
  }

  /** The original recipient (DSN ORCPT, as an RFC 822 address) given for {@code recipient}, if any. */
  public Optional<String> originalRecipient(EmailAddress recipient) {
    return Optional.ofNullable(originalRecipients.get(key(recipient.address())));
  }

  /** What a failure report carries back (DSN RET); empty by default (the server decides). */
  public Optional<Return> returnContent() {
    return Optional.ofNullable(returnContent);
  }

  /** The envelope identifier (DSN ENVID) quoted back in reports; empty by default. */
  public Optional<String> envelopeId() {
    return Optional.ofNullable(envelopeId);
  }

  /** True when the message must travel over TLS all the way (REQUIRETLS, RFC 8689); false by default. */
  public boolean requireTls() {
    return requireTls;
  }

  /** How the message is DKIM-signed before it is sent; empty (not signed) by default. */
  public Optional<DkimSigner> dkim() {
    return Optional.ofNullable(dkim);
  }

  /** True when any DSN parameter (NOTIFY, ORCPT, RET or ENVID) is asked for. */
  public boolean requestsDsn() {
    return notifyAll != null || !notifyByRecipient.isEmpty() || !originalRecipients.isEmpty() || returnContent != null
        || envelopeId != null;
  }

  @Override
  public String toString() {
    String dkimPart = "";
    if (dkim != null) {
      dkimPart = ", dkim=" + dkim;
    }
    return "SendOptions[requireAllRecipients=" + requireAllRecipients + ", saveToSent=" + (sentMailbox != null)
        + (requestsDsn() ? ", dsn=[notify=" + notifyAll + ", perRecipient=" + notifyByRecipient.keySet() + ", ret="
            + returnContent + ", envid=" + envelopeId + "]" : "")
        + (requireTls ? ", requireTls" : "") + dkimPart + "]";
  }

  private static String key(String address) {
    return address.toLowerCase(Locale.ROOT);
  }

  /** Builds {@link SendOptions}. Not thread-safe. */
  public static final class Builder {
    private boolean requireAllRecipients;
    private @Nullable Mailbox sentMailbox;
    private @Nullable Set<Notify> notifyAll;
    private final Map<String, Set<Notify>> notifyByRecipient = new LinkedHashMap<>();
    private final Map<String, String> originalRecipients = new LinkedHashMap<>();
    private @Nullable Return returnContent;
    private @Nullable String envelopeId;
    private boolean requireTls;
    private @Nullable DkimSigner dkim;

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

    /**
     * Asks for delivery status notifications (DSN NOTIFY, RFC 3461) for every recipient without one
     * of its own ({@link #notify(String, Set)}): an empty set means NOTIFY=NEVER. Default: no NOTIFY
     * parameter, so the server's default applies (usually FAILURE). Needs the server's DSN extension.
     */
    public Builder notify(Set<Notify> when) {
      this.notifyAll = Collections.unmodifiableSet(copy(when));
      return this;
    }

    /**
     * Asks for delivery status notifications for one recipient (DSN NOTIFY), overriding
     * {@link #notify(Set)}; an empty set means NOTIFY=NEVER.
     *
     * @throws IllegalArgumentException when {@code recipient} is not an email address
     */
    public Builder notify(String recipient, Set<Notify> when) {
      notifyByRecipient.put(key(EmailAddress.parse(recipient).address()), Collections.unmodifiableSet(copy(when)));
      return this;
    }

    /**
     * The original recipient to quote in reports about {@code recipient} (DSN ORCPT, sent as
     * {@code rfc822;original}), for example the list address a message was expanded from.
     *
     * @throws IllegalArgumentException when either is not an email address, or {@code original} is not ASCII
     */
    public Builder originalRecipient(String recipient, String original) {
      EmailAddress orcpt = EmailAddress.parse(original);
      if (!orcpt.asciiAddress().equals(orcpt.address()) || orcpt.needsSmtpUtf8()) {
        throw new IllegalArgumentException("original recipient must be an ASCII address, was " + original);
      }
      originalRecipients.put(key(EmailAddress.parse(recipient).address()), orcpt.address());
      return this;
    }

    /** What a failure report carries back (DSN RET): the whole message or its headers only. */
    public Builder returnContent(Return ret) {
      this.returnContent = Objects.requireNonNull(ret, "ret");
      return this;
    }

    /**
     * An identifier for this transmission, quoted back in every report (DSN ENVID): printable ASCII
     * without spaces, at most 100 characters.
     *
     * @throws IllegalArgumentException when {@code id} is empty, too long or has other characters
     */
    public Builder envelopeId(String id) {
      if (id.isEmpty() || id.length() > 100 || !id.chars().allMatch(c -> c > 32 && c < 127)) {
        throw new IllegalArgumentException("envelopeId must be 1..100 printable ASCII characters without spaces, was \""
            + id + "\"");
      }
      this.envelopeId = id;
      return this;
    }

    /**
     * Whether the message must travel over TLS all the way to each recipient (REQUIRETLS, RFC 8689).
     * Default false. When true, the send fails before anything is sent unless this connection is TLS
     * (TLS or STARTTLS) and the server offers REQUIRETLS.
     */
    public Builder requireTls(boolean require) {
      this.requireTls = require;
      return this;
    }

    /**
     * Signs the message with DKIM (RFC 6376) as it is sent: the {@code DKIM-Signature} header covers
     * exactly the bytes the server receives. Default: not signed. Given per send rather than per
     * connection, so that one transport or pool can send for several signing domains.
     */
    public Builder dkim(DkimSigner signer) {
      this.dkim = Objects.requireNonNull(signer, "signer");
      return this;
    }

    private static Set<Notify> copy(Set<Notify> when) {
      return when.isEmpty() ? EnumSet.noneOf(Notify.class) : EnumSet.copyOf(when);
    }

    /** Builds the options. */
    public SendOptions build() {
      return new SendOptions(this);
    }
  }
}
