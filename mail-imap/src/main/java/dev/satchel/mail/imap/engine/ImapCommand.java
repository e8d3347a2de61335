package dev.satchel.mail.imap.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One IMAP command without its tag, as text with literals in it (RFC 3501 section 4.3). The session
 * sends a literal as {@code {n+}} without waiting when the server offers LITERAL+ (or LITERAL- and the
 * literal is at most 4,096 bytes, RFC 7888), and otherwise as {@code {n}}, waiting for the server's
 * continuation request. Built once and not changed after it is handed to a session; not thread-safe
 * while being built.
 *
 * <pre>{@code
 * ImapCommand search = ImapCommand.of("UID SEARCH CHARSET UTF-8 SUBJECT ").string("Grüße");
 * }</pre>
 */
public final class ImapCommand {
  /** A piece of a command: text sent as it is, or a literal. */
  sealed interface Part permits Text, Literal {}

  /** Command text, sent as UTF-8. */
  record Text(String text) implements Part {}

  /** A literal's bytes; {@code binary} for a literal8 ({@code ~{n}}, RFC 3516 / RFC 6855). */
  record Literal(byte[] bytes, boolean binary) implements Part {}

  private final List<Part> parts = new ArrayList<>();
  private final StringBuilder pending = new StringBuilder();

  private ImapCommand(String text) {
    pending.append(text);
  }

  /** A command that starts with {@code text}, such as {@code "UID SEARCH "}. */
  public static ImapCommand of(String text) {
    return new ImapCommand(text);
  }

  /** Appends command text as it is (atoms, numbers, parentheses, spaces). */
  public ImapCommand add(String text) {
    pending.append(text);
    return this;
  }

  /**
   * Appends {@code value} as an IMAP string: quoted when it is 7-bit text without CR, LF or NUL, else a
   * literal of its UTF-8 bytes.
   */
  public ImapCommand string(String value) {
    if (quotable(value)) {
      pending.append('"');
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '"' || c == '\\') {
          pending.append('\\');
        }
        pending.append(c);
      }
      pending.append('"');
      return this;
    }
    return literal(value.getBytes(StandardCharsets.UTF_8));
  }

  /** Appends a literal of {@code bytes} (not copied: do not change them afterwards). */
  public ImapCommand literal(byte[] bytes) {
    flushText();
    parts.add(new Literal(bytes, false));
    return this;
  }

  /**
   * Appends a literal8 of {@code bytes} ({@code ~{n}}), which may hold any octet: the form RFC 6855
   * requires for a message with UTF-8 header fields in {@code APPEND ... UTF8 (~{n} ...)}.
   */
  public ImapCommand literal8(byte[] bytes) {
    flushText();
    parts.add(new Literal(bytes, true));
    return this;
  }

  private void flushText() {
    if (pending.length() > 0) {
      parts.add(new Text(pending.toString()));
      pending.setLength(0);
    }
  }

  /** The parts to send, in order. */
  List<Part> parts() {
    flushText();
    return List.copyOf(parts);
  }

  /** The command's first word ({@code UID} commands: the first two), for messages. */
  public String name() {
    String first = parts().isEmpty() || !(parts().get(0) instanceof Text t) ? "" : t.text();
    String[] words = first.split(" ", 3);
    if (words.length >= 2 && words[0].equalsIgnoreCase("UID")) {
      return words[0] + " " + words[1];
    }
    return words[0];
  }

  /** True when the command has at least one literal. */
  public boolean hasLiterals() {
    return parts().stream().anyMatch(p -> p instanceof Literal);
  }

  /** True for text that can be sent as a quoted string (RFC 3501 {@code quoted}). */
  static boolean quotable(String value) {
    if (value.length() > 1000) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0 || c == '\r' || c == '\n' || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** The command with literals shown as their sizes, never their content. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (Part p : parts()) {
      if (p instanceof Text t) {
        b.append(t.text());
      } else {
        b.append('{').append(((Literal) p).bytes().length).append("} [literal]");
      }
    }
    return b.toString();
  }
}
