package dev.satchel.mail.imap;

/**
 * The modified UTF-7 encoding of IMAP mailbox names (RFC 3501 section 5.1.3), used on the wire
 * unless UTF8=ACCEPT is enabled. Printable ASCII stands for itself except {@code &}, sent as
 * {@code &-}; every other run of characters is sent as {@code &}, the modified base64 of its UTF-16
 * code units ({@code ,} instead of {@code /}, no padding) and {@code -}.
 *
 * <pre>{@code
 * MailboxNames.encode("Entwürfe");      // "Entw&APw-rfe"
 * MailboxNames.decode("Entw&APw-rfe");  // "Entwürfe"
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
final class MailboxNames {
  private static final char[] BASE64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".toCharArray();

  private MailboxNames() {}

  /**
   * The wire form of {@code name}; pure printable ASCII without {@code &} is returned unchanged.
   *
   * @throws IllegalArgumentException when {@code name} has an unpaired surrogate, which no mailbox
   *     name can hold
   */
  static String encode(String name) {
    StringBuilder out = null;
    int i = 0;
    while (i < name.length()) {
      char c = name.charAt(i);
      if (c >= 0x20 && c <= 0x7e && c != '&') {
        if (out != null) {
          out.append(c);
        }
        i++;
        continue;
      }
      if (out == null) {
        out = new StringBuilder(name.length() + 16).append(name, 0, i);
      }
      if (c == '&') {
        out.append("&-");
        i++;
        continue;
      }
      int end = i;
      while (end < name.length() && !direct(name.charAt(end))) {
        checkSurrogate(name, end);
        end++;
      }
      out.append('&');
      base64(name, i, end, out);
      out.append('-');
      i = end;
    }
    return out == null ? name : out.toString();
  }

  /** True for a character that stands for itself (printable ASCII, including {@code &} as {@code &-}). */
  private static boolean direct(char c) {
    return c >= 0x20 && c <= 0x7e;
  }

  private static void checkSurrogate(String s, int i) {
    char c = s.charAt(i);
    boolean ok = Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
        : !Character.isLowSurrogate(c) || (i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
    if (!ok) {
      throw new IllegalArgumentException("mailbox name has an unpaired surrogate \\u"
          + Integer.toHexString(c) + " at index " + i + ", was \"" + ImapReplies.escape(s) + "\"");
    }
  }

  /** Appends the modified base64 of the UTF-16 code units {@code s[from, to)}. */
  private static void base64(String s, int from, int to, StringBuilder out) {
    int bits = 0;
    int buffer = 0;
    for (int i = from; i < to; i++) {
      buffer = (buffer << 16) | s.charAt(i);
      bits += 16;
      while (bits >= 6) {
        bits -= 6;
        out.append(BASE64[(buffer >>> bits) & 0x3f]);
      }
      buffer &= (1 << bits) - 1;
    }
    if (bits > 0) {
      out.append(BASE64[(buffer << (6 - bits)) & 0x3f]);
    }
  }

  /**
   * The mailbox name for its wire form {@code wire}. Lenient: a {@code &...-} sequence that is not
   * valid modified base64 of well-formed UTF-16 (or has no closing {@code -}) is kept as sent, and
   * characters that should have been encoded are kept as they are. Never throws.
   */
  static String decode(String wire) {
    int amp = wire.indexOf('&');
    if (amp < 0) {
      return wire;
    }
    StringBuilder out = new StringBuilder(wire.length()).append(wire, 0, amp);
    int i = amp;
    while (i < wire.length()) {
      char c = wire.charAt(i);
      if (c != '&') {
        out.append(c);
        i++;
        continue;
      }
      int dash = wire.indexOf('-', i + 1);
      if (dash < 0) {
        out.append(wire, i, wire.length());
        break;
      }
      if (dash == i + 1) {
        out.append('&');
      } else if (!decodeRun(wire, i + 1, dash, out)) {
        out.append(wire, i, dash + 1);
      }
      i = dash + 1;
    }
    return out.toString();
  }

  /** Appends the UTF-16 text of the modified base64 in {@code s[from, to)}; false (nothing appended) when invalid. */
  private static boolean decodeRun(String s, int from, int to, StringBuilder out) {
    int mark = out.length();
    int bits = 0;
    int buffer = 0;
    for (int i = from; i < to; i++) {
      int v = value(s.charAt(i));
      if (v < 0) {
        out.setLength(mark);
        return false;
      }
      buffer = (buffer << 6) | v;
      bits += 6;
      if (bits >= 16) {
        bits -= 16;
        out.append((char) ((buffer >>> bits) & 0xffff));
        buffer &= (1 << bits) - 1;
      }
    }
    // Left-over bits are padding: fewer than 6 and all zero, else the run is not whole UTF-16 units.
    if (bits >= 6 || buffer != 0 || !wellFormed(out, mark)) {
      out.setLength(mark);
      return false;
    }
    return true;
  }

  private static boolean wellFormed(CharSequence s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static int value(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '+' ? 62 : c == ',' ? 63 : -1;
  }
}
