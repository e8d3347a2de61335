package dev.satchel.mail.imap.engine;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** One item of an IMAP response: an atom (numbers and flags too), a string, a list or NIL. */
public sealed interface ImapValue permits ImapValue.Atom, ImapValue.Str, ImapValue.ListValue, ImapValue.Nil,
    ImapValue.Streamed, ImapValue.Numbers {

  /** An atom as sent: {@code FETCH}, {@code 42}, {@code \Seen}, {@code BODY[HEADER]<0>}. */
  record Atom(String text) implements ImapValue {
    /** The atom as an unsigned 32-bit number (RFC 3501 {@code number}), or -1 when it is not one. */
    public long number() {
      if (text.isEmpty() || text.length() > 10) {
        return -1;
      }
      long v = 0;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        v = v * 10 + (c - '0');
      }
      return v <= 0xFFFF_FFFFL ? v : -1;
    }

    /** True when the atom is {@code word}, ignoring ASCII case. */
    public boolean is(String word) {
      return text.equalsIgnoreCase(word);
    }
  }

  /**
   * A quoted string or a literal held in memory, as bytes (IMAP strings are octets; their charset
   * is the caller's to know).
   */
  record Str(byte[] bytes, boolean literal) implements ImapValue {
    /** The bytes as UTF-8 text (the charset of IMAP4rev2 and UTF8=ACCEPT; ASCII otherwise). */
    public String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** A parenthesised list. */
  record ListValue(List<ImapValue> items) implements ImapValue {}

  /** A literal that was handed to a {@link ImapResponseParser.LiteralSink} instead of being kept. */
  record Streamed(long size) implements ImapValue {}

  /**
   * The numbers of a {@code * SEARCH} answer, held as one array (8 bytes each) rather than one atom
   * per number: a search of a large folder answers with millions. In the order sent.
   */
  record Numbers(long[] values) implements ImapValue {}

  /** NIL. */
  enum Nil implements ImapValue {
    NIL
  }
}
