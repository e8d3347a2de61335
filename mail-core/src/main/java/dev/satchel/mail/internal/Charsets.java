package dev.satchel.mail.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Decodes bytes in a declared charset the way mail clients do: tolerant of common misspellings,
 * of unknown charsets and of bytes that do not fit the declared charset. Every fallback is reported.
 */
final class Charsets {
  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

  /** Labels seen in real mail that Java does not know, or knows as something narrower. */
  private static final Map<String, String> ALIASES = Map.ofEntries(
      Map.entry("utf8", "UTF-8"),
      Map.entry("utf-8lite", "UTF-8"),
      Map.entry("unicode-1-1-utf-8", "UTF-8"),
      Map.entry("latin1", "windows-1252"),
      Map.entry("latin-1", "windows-1252"),
      Map.entry("iso-8859-1", "windows-1252"),
      Map.entry("iso8859-1", "windows-1252"),
      Map.entry("iso_8859-1", "windows-1252"),
      Map.entry("iso-8859-8-i", "ISO-8859-8"),
      Map.entry("iso-8859-6-i", "ISO-8859-6"),
      Map.entry("gb2312", "GBK"),
      Map.entry("x-gbk", "GBK"),
      Map.entry("ks_c_5601-1987", "x-windows-949"),
      Map.entry("ks_c_5601", "x-windows-949"),
      Map.entry("euc-kr", "x-windows-949"),
      Map.entry("cp-850", "IBM850"),
      Map.entry("x-sjis", "Shift_JIS"),
      Map.entry("shift-jis", "Shift_JIS"),
      Map.entry("tis-620", "x-windows-874"));

  private Charsets() {}

  /**
   * Decodes {@code bytes} declared as {@code declared} (null when the part declared none).
   *
   * <p>Rules: a known charset is used when the bytes fit it; US-ASCII and ISO-8859-1 are read as their
   * supersets UTF-8 / windows-1252 as browsers do; without a usable charset the bytes are read as
   * UTF-8 when they are valid UTF-8, else as windows-1252. Each fallback is reported to {@code problems}.
   *
   * @param what names the decoded thing in problem reports, for example {@code "text/plain body"}
   */
  static String decode(byte[] bytes, @Nullable String declared, String what, Consumer<String> problems) {
    String label = declared == null ? "" : declared.strip().replace("\"", "").replace("'", "").toLowerCase(Locale.ROOT);
    if (label.isEmpty()) {
      return utf8OrWindows1252(bytes, what, "declares no charset", problems);
    }
    if (label.equals("us-ascii") || label.equals("ascii") || label.equals("ansi_x3.4-1968") || label.equals("us_ascii")) {
      return utf8OrWindows1252(bytes, what, "declares us-ascii but holds 8-bit bytes", problems);
    }
    Charset cs = lookup(label);
    if (cs == null) {
      problems.accept(what + ": unknown charset \"" + declared + "\"");
      return utf8OrWindows1252(bytes, what, null, problems);
    }
    try {
      return strict(cs, bytes);
    } catch (CharacterCodingException e) {
      if (cs.equals(StandardCharsets.UTF_8)) {
        problems.accept(what + ": invalid UTF-8; bad bytes replaced with U+FFFD");
        return new String(bytes, StandardCharsets.UTF_8);
      }
      problems.accept(what + ": bytes do not fit the declared charset " + cs.name() + "; decoded with replacement characters");
      return new String(bytes, cs);
    }
  }

  /** The charset for a MIME label, or null when unknown or unsupported. */
  static @Nullable Charset lookup(String label) {
    String l = label.strip().toLowerCase(Locale.ROOT);
    String alias = ALIASES.get(l);
    try {
      return Charset.forName(alias != null ? alias : l);
    } catch (IllegalArgumentException e) { // IllegalCharsetName and UnsupportedCharset both extend it
      return null;
    }
  }

  private static String utf8OrWindows1252(byte[] bytes, String what, @Nullable String why, Consumer<String> problems) {
    try {
      return strict(StandardCharsets.UTF_8, bytes);
    } catch (CharacterCodingException e) {
      if (why != null) {
        problems.accept(what + ": " + why + "; decoded as windows-1252");
      } else {
        problems.accept(what + ": decoded as windows-1252");
      }
      return new String(bytes, WINDOWS_1252);
    }
  }

  private static String strict(Charset cs, byte[] bytes) throws CharacterCodingException {
    CharBuffer chars = cs.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes));
    return chars.toString();
  }

  /**
   * Header text as Jakarta Mail reads it holds each raw byte as one char (ISO-8859-1). When such text
   * holds 8-bit bytes, they are re-read as UTF-8 (RFC 6532) when valid, else as windows-1252.
   */
  static String fixRawHeader(String value) {
    boolean eightBit = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c > 0xFF) {
        return value; // already decoded by someone else
      }
      eightBit |= c >= 0x80;
    }
    if (!eightBit) {
      return value;
    }
    byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
    try {
      return strict(StandardCharsets.UTF_8, bytes);
    } catch (CharacterCodingException e) {
      return new String(bytes, WINDOWS_1252);
    }
  }
}
