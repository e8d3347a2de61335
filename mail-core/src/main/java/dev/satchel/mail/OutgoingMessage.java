package dev.satchel.mail;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A message to send or to append to a folder.
 *
 * <pre>{@code
 * OutgoingMessage message = OutgoingMessage.builder()
 *     .from("Support <support@example.com>")
 *     .to("alice@example.org")
 *     .subject("Your ticket #4711")
 *     .text("Hello Alice, ...")
 *     .html("<p>Hello Alice, ...</p>")
 *     .attach(Attachment.of(Path.of("invoice.pdf")))
 *     .build();
 * }</pre>
 *
 * <p>Text and HTML together become a {@code multipart/alternative}; attachments a
 * {@code multipart/mixed}; inline parts a {@code multipart/related}. Bcc recipients are delivered to
 * but never written into the headers that are sent.
 *
 * <p>The builder rejects header injection (CR, LF or NUL in any header value, display name, subject or
 * filename), a message without recipients, and custom headers that Satchel writes itself. When no
 * date or Message-ID is given, they are set when the message is written.
 *
 * <p>Immutable and thread-safe.
 */
public final class OutgoingMessage {
  /** Header fields Satchel writes itself; a custom header may not use these names. */
  public static final Set<String> RESERVED_HEADERS = Set.of(
      "from", "sender", "reply-to", "to", "cc", "bcc", "subject", "date", "message-id", "mime-version",
      "content-type", "content-transfer-encoding", "content-disposition", "content-id");

  private final EmailAddress from;
  private final List<EmailAddress> replyTo;
  private final List<EmailAddress> to;
  private final List<EmailAddress> cc;
  private final List<EmailAddress> bcc;
  private final String subject;
  private final @Nullable String text;
  private final @Nullable String html;
  private final List<Attachment> attachments;
  private final List<Header> headers;
  private final @Nullable OffsetDateTime date;
  private final @Nullable String messageId;

  private OutgoingMessage(Builder b, EmailAddress from) {
    this.from = from;
    this.replyTo = List.copyOf(b.replyTo);
    this.to = List.copyOf(b.to);
    this.cc = List.copyOf(b.cc);
    this.bcc = List.copyOf(b.bcc);
    this.subject = b.subject;
    this.text = b.text;
    this.html = b.html;
    this.attachments = List.copyOf(b.attachments);
    this.headers = List.copyOf(b.headers);
    this.date = b.date;
    this.messageId = b.messageId;
  }

  /** A new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this message, for a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.from = from;
    b.replyTo.addAll(replyTo);
    b.to.addAll(to);
    b.cc.addAll(cc);
    b.bcc.addAll(bcc);
    b.subject = subject;
    b.text = text;
    b.html = html;
    b.attachments.addAll(attachments);
    b.headers.addAll(headers);
    b.date = date;
    b.messageId = messageId;
    return b;
  }

  /** The author. */
  public EmailAddress from() {
    return from;
  }

  /** Where replies should go; empty means to {@link #from()}. */
  public List<EmailAddress> replyTo() {
    return replyTo;
  }

  /** The To recipients. */
  public List<EmailAddress> to() {
    return to;
  }

  /** The Cc recipients. */
  public List<EmailAddress> cc() {
    return cc;
  }

  /** The Bcc recipients: delivered to, never written into the sent headers. */
  public List<EmailAddress> bcc() {
    return bcc;
  }

  /** Every recipient: To, then Cc, then Bcc. */
  public List<EmailAddress> recipients() {
    List<EmailAddress> all = new ArrayList<>(to.size() + cc.size() + bcc.size());
    all.addAll(to);
    all.addAll(cc);
    all.addAll(bcc);
    return List.copyOf(all);
  }

  /** The subject, possibly empty. */
  public String subject() {
    return subject;
  }

  /** The plain-text body, when set. */
  public Optional<String> text() {
    return Optional.ofNullable(text);
  }

  /** The HTML body, when set. */
  public Optional<String> html() {
    return Optional.ofNullable(html);
  }

  /** Attachments and inline parts, in the order added. */
  public List<Attachment> attachments() {
    return attachments;
  }

  /** Custom header fields, in the order added. */
  public List<Header> headers() {
    return headers;
  }

  /** The Date to write; empty means "now, when written". */
  public Optional<OffsetDateTime> date() {
    return Optional.ofNullable(date);
  }

  /** The Message-ID to write (with angle brackets); empty means "generated when written". */
  public Optional<String> messageId() {
    return Optional.ofNullable(messageId);
  }

  @Override
  public String toString() {
    // Bodies are never shown: they may hold personal data.
    return "OutgoingMessage[from=" + from + ", to=" + to + ", cc=" + cc + ", bcc=" + bcc.size() + " recipient(s), subject=\""
        + subject + "\", attachments=" + attachments.size() + "]";
  }

  /**
   * Rejects text that would break out of a header: CR, LF or NUL.
   *
   * @throws IllegalArgumentException naming {@code what} and showing the value with the bad character escaped
   */
  static void checkHeaderText(String what, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == '\0') {
        String name = c == '\r' ? "CR" : c == '\n' ? "LF" : "NUL";
        throw new IllegalArgumentException(
            what + " must not contain " + name + " (header injection), was \"" + EmailAddress.escape(value) + "\"");
      }
    }
  }

  /** Builds an {@link OutgoingMessage}. Not thread-safe. */
  public static final class Builder {
    private @Nullable EmailAddress from;
    private final List<EmailAddress> replyTo = new ArrayList<>();
    private final List<EmailAddress> to = new ArrayList<>();
    private final List<EmailAddress> cc = new ArrayList<>();
    private final List<EmailAddress> bcc = new ArrayList<>();
    private String subject = "";
    private @Nullable String text;
    private @Nullable String html;
    private final List<Attachment> attachments = new ArrayList<>();
    private final List<Header> headers = new ArrayList<>();
    private @Nullable OffsetDateTime date;
    private @Nullable String messageId;

    private Builder() {}

    /** The author. Required. */
    public Builder from(EmailAddress from) {
      this.from = Objects.requireNonNull(from, "from");
      return this;
    }

    /**
     * The author, parsed.
     *
     * @throws IllegalArgumentException when not a valid address
     */
    public Builder from(String from) {
      return from(EmailAddress.parse(from));
    }

    /** Adds Reply-To addresses. */
    public Builder replyTo(EmailAddress... addresses) {
      replyTo.addAll(List.of(addresses));
      return this;
    }

    /**
     * Adds Reply-To addresses, parsed.
     *
     * @throws IllegalArgumentException when one is not a valid address
     */
    public Builder replyTo(String... addresses) {
      return add(replyTo, addresses);
    }

    /** Adds To recipients. */
    public Builder to(EmailAddress... addresses) {
      to.addAll(List.of(addresses));
      return this;
    }

    /**
     * Adds To recipients, parsed.
     *
     * @throws IllegalArgumentException when one is not a valid address
     */
    public Builder to(String... addresses) {
      return add(to, addresses);
    }

    /** Adds To recipients. */
    public Builder to(Collection<EmailAddress> addresses) {
      to.addAll(List.copyOf(addresses));
      return this;
    }

    /** Adds Cc recipients. */
    public Builder cc(EmailAddress... addresses) {
      cc.addAll(List.of(addresses));
      return this;
    }

    /**
     * Adds Cc recipients, parsed.
     *
     * @throws IllegalArgumentException when one is not a valid address
     */
    public Builder cc(String... addresses) {
      return add(cc, addresses);
    }

    /** Adds Bcc recipients (never written into the sent headers). */
    public Builder bcc(EmailAddress... addresses) {
      bcc.addAll(List.of(addresses));
      return this;
    }

    /**
     * Adds Bcc recipients, parsed.
     *
     * @throws IllegalArgumentException when one is not a valid address
     */
    public Builder bcc(String... addresses) {
      return add(bcc, addresses);
    }

    /**
     * The subject (any Unicode).
     *
     * @throws IllegalArgumentException when it contains CR, LF or NUL
     */
    public Builder subject(String subject) {
      checkHeaderText("subject", subject);
      this.subject = subject;
      return this;
    }

    /** The plain-text body. */
    public Builder text(String text) {
      this.text = Objects.requireNonNull(text, "text");
      return this;
    }

    /** The HTML body. */
    public Builder html(String html) {
      this.html = Objects.requireNonNull(html, "html");
      return this;
    }

    /** Adds an attachment or inline part. */
    public Builder attach(Attachment attachment) {
      attachments.add(Objects.requireNonNull(attachment, "attachment"));
      return this;
    }

    /**
     * Adds a custom header field, for example {@code In-Reply-To} or {@code List-Unsubscribe}.
     *
     * @throws IllegalArgumentException when the name is not a valid field name, is one that Satchel
     *     writes itself ({@link #RESERVED_HEADERS}), or the value contains CR, LF or NUL
     */
    public Builder header(String name, String value) {
      checkHeaderText("header name", name);
      if (name.isEmpty()) {
        throw new IllegalArgumentException("header name must not be empty");
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c < 33 || c > 126 || c == ':') {
          throw new IllegalArgumentException("header name must be printable ASCII without ':' or spaces, was \""
              + EmailAddress.escape(name) + "\"");
        }
      }
      if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("header " + name + " is written by Satchel itself; use the builder's own method for it");
      }
      checkHeaderText("header " + name, value);
      headers.add(new Header(name, value));
      return this;
    }

    /** The Date to write. Default: the time the message is written. */
    public Builder date(OffsetDateTime date) {
      this.date = Objects.requireNonNull(date, "date");
      return this;
    }

    /**
     * The Message-ID to write, with or without angle brackets. Default: generated when written.
     *
     * @throws IllegalArgumentException when it is not of the form {@code left@right}
     */
    public Builder messageId(String messageId) {
      checkHeaderText("message id", messageId);
      String id = messageId.strip();
      if (id.startsWith("<") && id.endsWith(">")) {
        id = id.substring(1, id.length() - 1);
      }
      int at = id.indexOf('@');
      boolean ok = at > 0 && at < id.length() - 1;
      for (int i = 0; ok && i < id.length(); i++) {
        char c = id.charAt(i);
        ok = c > 32 && c < 127 && c != '<' && c != '>' && c != '"' && c != '\\';
      }
      if (!ok) {
        throw new IllegalArgumentException("message id must look like left@right in printable ASCII, was \""
            + EmailAddress.escape(messageId) + "\"");
      }
      this.messageId = "<" + id + ">";
      return this;
    }

    /**
     * Builds the message.
     *
     * @throws IllegalStateException when there is no From or no recipient at all
     */
    public OutgoingMessage build() {
      EmailAddress f = from;
      if (f == null) {
        throw new IllegalStateException("from is required: call from(...) before build()");
      }
      if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
        throw new IllegalStateException("a message needs at least one recipient in to, cc or bcc");
      }
      return new OutgoingMessage(this, f);
    }

    private Builder add(List<EmailAddress> list, String... addresses) {
      for (String a : addresses) {
        list.add(EmailAddress.parse(a));
      }
      return this;
    }
  }
}
