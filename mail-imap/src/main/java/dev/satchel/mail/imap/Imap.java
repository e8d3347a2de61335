package dev.satchel.mail.imap;

import dev.satchel.mail.Envelope;
import dev.satchel.mail.Flag;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.imap.engine.ImapValue;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** Conversions between IMAP flags and Satchel's model, shared by listing, sync and the mailbox. */
final class Imap {
  private Imap() {}

  static Envelope emptyEnvelope() {
    return new Envelope("", List.of(), Optional.empty(), List.of(), List.of(), List.of(), List.of(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  /** Flags and keywords as IMAP writes them ({@code \Seen}, {@code $Label}), for a sync state. */
  static Set<String> flagStrings(MessageSummary m) {
    Set<String> out = new TreeSet<>();
    for (Flag s : m.flags()) {
      out.add(imapName(s));
    }
    out.addAll(m.keywords());
    return out;
  }

  /**
   * A FETCH answer's FLAGS list in the form of {@link #flagStrings(MessageSummary)}: system flags in
   * their usual spelling, keywords as sent, other backslash flags ({@code \Recent}) left out.
   */
  static Set<String> flagStrings(@Nullable ImapValue flags) {
    Set<String> out = new TreeSet<>();
    if (flags instanceof ImapValue.ListValue l) {
      for (ImapValue v : l.items()) {
        if (v instanceof ImapValue.Atom a) {
          Flag f = systemFlag(a.text());
          if (f != null) {
            out.add(imapName(f));
          } else if (!a.text().startsWith("\\")) {
            out.add(a.text());
          }
        }
      }
    }
    return out;
  }

  /** The system flag an atom names ({@code \Seen} in any case), or null. */
  static @Nullable Flag systemFlag(String atom) {
    if (!atom.startsWith("\\")) {
      return null;
    }
    for (Flag f : Flag.values()) {
      if (f.name().equalsIgnoreCase(atom.substring(1))) {
        return f;
      }
    }
    return null;
  }

  static String imapName(Flag f) {
    String n = f.name().toLowerCase(Locale.ROOT);
    return "\\" + Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }

  /** A parenthesized IMAP flag list for system flags. */
  static String flagList(Set<Flag> flags) {
    StringBuilder sb = new StringBuilder("(");
    for (Flag f : flags) {
      if (sb.length() > 1) {
        sb.append(' ');
      }
      sb.append(imapName(f));
    }
    return sb.append(')').toString();
  }

  /** A parenthesized IMAP flag list for keywords, each checked to be an atom. */
  static String keywordList(Set<String> keywords) {
    StringBuilder sb = new StringBuilder("(");
    for (String k : keywords) {
      checkKeyword(k);
      if (sb.length() > 1) {
        sb.append(' ');
      }
      sb.append(k);
    }
    return sb.append(')').toString();
  }

  static void checkKeyword(String k) {
    if (k.isEmpty() || k.startsWith("\\") || !k.chars().allMatch(c -> c > 32 && c < 127 && "(){%*\"\\]".indexOf(c) < 0)) {
      throw new IllegalArgumentException("keyword must be a non-empty IMAP atom without a leading backslash, was \""
          + escape(k) + "\"");
    }
  }

  /** Shows control characters visibly, for messages naming a bad value. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 32 || c == 127) {
        sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
