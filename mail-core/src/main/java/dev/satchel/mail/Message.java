package dev.satchel.mail;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A fetched message: its summary, all header fields, the text and HTML bodies decoded to Unicode
 * from whatever charset they were sent in, and its attachments and inline parts.
 *
 * <p>A message that is partly malformed still parses: what could not be understood is listed in
 * {@link #problems()} rather than thrown.
 *
 * @param summary uid, flags, size and envelope
 * @param headers every top-level header field, in order
 * @param text the first text/plain body that is not an attachment, with line breaks as {@code \n};
 *     {@code format=flowed} text (RFC 3676) comes unwrapped into its paragraphs, quoted lines as
 *     {@code "> "} per level
 * @param html the first text/html body that is not an attachment, with line breaks as {@code \n}
 * @param parts attachments and inline parts, in document order
 * @param problems human-readable descriptions of malformed parts, empty for a well-formed message
 */
public record Message(
    MessageSummary summary,
    List<Header> headers,
    Optional<String> text,
    Optional<String> html,
    List<MessagePart> parts,
    List<String> problems) {

  /** Copies the lists. */
  public Message {
    headers = List.copyOf(headers);
    parts = List.copyOf(parts);
    problems = List.copyOf(problems);
  }

  /** Shorthand for {@code summary().uid()}. */
  public Uid uid() {
    return summary.uid();
  }

  /** Shorthand for {@code summary().envelope()}. */
  public Envelope envelope() {
    return summary.envelope();
  }

  /** Shorthand for {@code envelope().subject()}. */
  public String subject() {
    return summary.envelope().subject();
  }

  /** The parts that are attachments (not inline). */
  public List<MessagePart> attachments() {
    return parts.stream().filter(p -> !p.isInline()).toList();
  }

  /** The first value of a header field, compared case-insensitively. */
  public Optional<String> header(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return headers.stream().filter(h -> h.name().toLowerCase(Locale.ROOT).equals(n)).map(Header::value).findFirst();
  }

  /** Every value of a header field, compared case-insensitively, in order. */
  public List<String> headers(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return headers.stream().filter(h -> h.name().toLowerCase(Locale.ROOT).equals(n)).map(Header::value).toList();
  }
}
