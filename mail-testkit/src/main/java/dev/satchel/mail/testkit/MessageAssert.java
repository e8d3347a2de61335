package dev.satchel.mail.testkit;

import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Header;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessagePart;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a fetched or received {@link Message}. Every failure says what the message
 * had instead: its subject, its text (shortened), its attachments, its headers.
 *
 * <pre>{@code
 * MailAssertions.assertThat(message)
 *     .hasSubject("Invoice 42")
 *     .isFrom("billing@example.com")
 *     .hasTextContaining("Total: 12.00")
 *     .hasAttachment("invoice-42.pdf", expectedPdfBytes)
 *     .hasHeader("X-Campaign", "spring");
 * }</pre>
 *
 * <p>Not thread-safe, like every AssertJ assertion object.
 */
public final class MessageAssert extends AbstractAssert<MessageAssert, Message> {
  private static final int SHOWN = 400;

  MessageAssert(Message actual) {
    super(actual, MessageAssert.class);
  }

  /** The subject equals {@code expected}. */
  public MessageAssert hasSubject(String expected) {
    isNotNull();
    if (!actual.subject().equals(expected)) {
      failWithMessage("Expected subject \"%s\" but was \"%s\"", expected, actual.subject());
    }
    return this;
  }

  /** The subject contains {@code part}. */
  public MessageAssert hasSubjectContaining(String part) {
    isNotNull();
    if (!actual.subject().contains(part)) {
      failWithMessage("Expected subject containing \"%s\" but was \"%s\"", part, actual.subject());
    }
    return this;
  }

  /** The text/plain body contains every one of {@code parts}. */
  public MessageAssert hasTextContaining(String... parts) {
    return bodyContains("text", checked().text(), parts);
  }

  /** The text/html body contains every one of {@code parts}. */
  public MessageAssert hasHtmlContaining(String... parts) {
    return bodyContains("HTML", checked().html(), parts);
  }

  /** The message has no text/plain body. */
  public MessageAssert hasNoText() {
    isNotNull();
    actual.text().ifPresent(t -> failWithMessage("Expected no text body but it was:%n%s", shorten(t)));
    return this;
  }

  /** The message has no text/html body. */
  public MessageAssert hasNoHtml() {
    isNotNull();
    actual.html().ifPresent(t -> failWithMessage("Expected no HTML body but it was:%n%s", shorten(t)));
    return this;
  }

  /** One of the From addresses is {@code address} (compared case-insensitively). */
  public MessageAssert isFrom(String address) {
    isNotNull();
    if (!contains(actual.envelope().from(), address)) {
      failWithMessage("Expected a message from <%s> but it was from %s", address, show(actual.envelope().from()));
    }
    return this;
  }

  /** One of the To addresses is {@code address} (compared case-insensitively). */
  public MessageAssert isTo(String address) {
    isNotNull();
    if (!contains(actual.envelope().to(), address)) {
      failWithMessage("Expected a message to <%s> but To was %s (Cc %s)", address, show(actual.envelope().to()),
          show(actual.envelope().cc()));
    }
    return this;
  }

  /** One of the To, Cc or Bcc addresses is {@code address} (compared case-insensitively). */
  public MessageAssert hasRecipient(String address) {
    isNotNull();
    List<EmailAddress> all = Stream.of(actual.envelope().to(), actual.envelope().cc(), actual.envelope().bcc())
        .flatMap(List::stream).toList();
    if (!contains(all, address)) {
      failWithMessage("Expected a recipient <%s> but To/Cc/Bcc were %s", address, show(all));
    }
    return this;
  }

  /** The message has a header field {@code name} (case-insensitive). */
  public MessageAssert hasHeader(String name) {
    isNotNull();
    if (actual.header(name).isEmpty()) {
      failWithMessage("Expected a header \"%s\" but the headers were:%n%s", name, showHeaders());
    }
    return this;
  }

  /** Some header field {@code name} (case-insensitive) has exactly {@code value}. */
  public MessageAssert hasHeader(String name, String value) {
    isNotNull();
    List<String> values = actual.headers(name);
    if (!values.contains(value)) {
      if (values.isEmpty()) {
        failWithMessage("Expected header \"%s: %s\" but there is no \"%s\"; the headers were:%n%s", name, value, name, showHeaders());
      } else {
        failWithMessage("Expected header \"%s: %s\" but its values were %s", name, value, values);
      }
    }
    return this;
  }

  /** The message has an attachment (not an inline part) with this file name. */
  public MessageAssert hasAttachment(String filename) {
    isNotNull();
    if (attachment(filename).isEmpty()) {
      failWithMessage("Expected an attachment named \"%s\" but the attachments were %s", filename, showParts());
    }
    return this;
  }

  /** The message has an attachment with this file name whose decoded content is exactly {@code bytes}. */
  public MessageAssert hasAttachment(String filename, byte[] bytes) {
    hasAttachment(filename);
    MessagePart part = attachment(filename).orElseThrow();
    byte[] content = part.bytes();
    if (!Arrays.equals(content, bytes)) {
      int mismatch = Arrays.mismatch(content, bytes);
      failWithMessage("Expected attachment \"%s\" to hold %d bytes but it held %d bytes, first difference at offset %d",
          filename, bytes.length, content.length, mismatch);
    }
    return this;
  }

  /** The message has exactly {@code count} attachments (inline parts not counted). */
  public MessageAssert hasAttachmentCount(int count) {
    isNotNull();
    if (actual.attachments().size() != count) {
      failWithMessage("Expected %d attachments but there were %d: %s", count, actual.attachments().size(), showParts());
    }
    return this;
  }

  /** The message parsed without problems. */
  public MessageAssert hasNoProblems() {
    isNotNull();
    if (!actual.problems().isEmpty()) {
      failWithMessage("Expected a well-formed message but the reader reported %s", actual.problems());
    }
    return this;
  }

  private Message checked() {
    isNotNull();
    return actual;
  }

  private MessageAssert bodyContains(String kind, Optional<String> body, String... parts) {
    if (body.isEmpty()) {
      failWithMessage("Expected the %s body to contain %s but the message has no %s body (%s)", kind, quoted(parts), kind,
          otherBody(kind));
      return this;
    }
    for (String p : parts) {
      if (!body.get().contains(p)) {
        failWithMessage("Expected the %s body to contain \"%s\" but it was:%n%s", kind, p, shorten(body.get()));
      }
    }
    return this;
  }

  private String otherBody(String kind) {
    Optional<String> other = kind.equals("text") ? actual.html() : actual.text();
    String otherKind = kind.equals("text") ? "HTML" : "text";
    return other.map(o -> "its " + otherKind + " body is: " + shorten(o)).orElse("it has no " + otherKind + " body either");
  }

  private Optional<MessagePart> attachment(String filename) {
    return actual.attachments().stream().filter(p -> p.filename().filter(filename::equals).isPresent()).findFirst();
  }

  private String showParts() {
    if (actual.parts().isEmpty()) {
      return "[] (no attachments or inline parts)";
    }
    return actual.parts().stream()
        .map(p -> "\"" + p.filename().orElse("(no name)") + "\" " + p.mediaType()
            + (p.size().isPresent() ? " " + p.size().getAsLong() + " bytes" : "") + (p.isInline() ? " inline" : ""))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private String showHeaders() {
    return actual.headers().stream().map(Header::name).distinct().collect(Collectors.joining(", "));
  }

  static String show(List<EmailAddress> addresses) {
    return addresses.stream().map(a -> "<" + a.address() + ">").collect(Collectors.joining(", ", "[", "]"));
  }

  static boolean contains(List<EmailAddress> addresses, String address) {
    String wanted = address.strip().toLowerCase(Locale.ROOT);
    return addresses.stream().anyMatch(a -> a.address().toLowerCase(Locale.ROOT).equals(wanted)
        || a.asciiAddress().toLowerCase(Locale.ROOT).equals(wanted));
  }

  private static String shorten(String text) {
    return text.length() <= SHOWN ? text : text.substring(0, SHOWN) + "... (" + (text.length() - SHOWN) + " more characters)";
  }

  private static String quoted(String... parts) {
    return Arrays.stream(parts).map(p -> "\"" + p + "\"").collect(Collectors.joining(", "));
  }
}
