package dev.satchel.mail.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * RFC 2047 encoded words: writing them (UTF-8, B or Q, whichever is shorter, split only between code
 * points) and reading them leniently (adjacent words joined before charset decoding so that a
 * character split across words survives, words inside other text accepted, bad charsets reported).
 */
final class EncodedWords {
  /** RFC 2047: an encoded word is at most 75 characters. */
  private static final int MAX_WORD = 75;
  private static final String B_PREFIX = "=?UTF-8?B?";
  private static final String Q_PREFIX = "=?UTF-8?Q?";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private EncodedWords() {}

  /**
   * Encodes all of {@code text} as a sequence of encoded words. Whitespace between adjacent encoded
   * words is ignored by readers, so joining the words with folding whitespace keeps the text exact,
   * leading, trailing and repeated spaces included.
   */
  static List<String> encode(String text) {
    byte[] all = text.getBytes(StandardCharsets.UTF_8);
    int qLength = 0;
    for (byte b : all) {
      qLength += qLiteral(b) ? 1 : 3;
    }
    boolean useQ = qLength <= (all.length + 2) / 3 * 4;
    List<String> words = new ArrayList<>();
    int budget = MAX_WORD - B_PREFIX.length() - 2;
    StringBuilder chunk = new StringBuilder();
    int chunkCost = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int n = Character.charCount(cp);
      String ch = text.substring(i, i + n);
      byte[] bytes = ch.getBytes(StandardCharsets.UTF_8);
      int cost;
      if (useQ) {
        cost = 0;
        for (byte b : bytes) {
          cost += qLiteral(b) ? 1 : 3;
        }
      } else {
        cost = bytes.length;
      }
      int limit = useQ ? budget : budget / 4 * 3; // B: bytes that fit in the base64 budget
      if (chunkCost + cost > limit && chunk.length() > 0) {
        words.add(word(chunk.toString(), useQ));
        chunk.setLength(0);
        chunkCost = 0;
      }
      chunk.append(ch);
      chunkCost += cost;
      i += n;
    }
    if (chunk.length() > 0 || words.isEmpty()) {
      words.add(word(chunk.toString(), useQ));
    }
    return words;
  }

  /** True when the text must be encoded to survive in a header: non-ASCII, controls, or "=?" that a reader would decode. */
  static boolean needsEncoding(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x7F || (c < 0x20 && c != '\t')) {
        return true;
      }
    }
    return text.contains("=?");
  }

  private static String word(String chunk, boolean useQ) {
    byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
    if (!useQ) {
      return B_PREFIX + Base64.getEncoder().encodeToString(bytes) + "?=";
    }
    StringBuilder sb = new StringBuilder(Q_PREFIX);
    for (byte b : bytes) {
      if (b == ' ') {
        sb.append('_');
      } else if (qLiteral(b)) {
        sb.append((char) b);
      } else {
        sb.append('=').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
      }
    }
    return sb.append("?=").toString();
  }

  /** Characters RFC 2047 allows literally in a Q word in every position (phrase rules, the strictest). */
  private static boolean qLiteral(byte b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '!' || b == '*' || b == '+'
        || b == '-' || b == '/' || b == ' ';
  }

  /** Removes folding (CRLF or LF followed by whitespace) and any stray CR or LF. */
  static String unfold(String value) {
    if (value.indexOf('\r') < 0 && value.indexOf('\n') < 0) {
      return value;
    }
    return value.replaceAll("\r?\n(?=[ \t])", "").replace("\r", "").replace("\n", "");
  }

  /**
   * Decodes the encoded words in unfolded header text. Never throws: a malformed word stays as it is,
   * an unknown charset falls back to UTF-8 or windows-1252, and both are reported to {@code problems}.
   */
  static String decode(String text, Consumer<String> problems) {
    if (!text.contains("=?")) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    Pending pending = new Pending();
    int i = 0;
    int afterLastWord = -1; // end of the previous encoded word, when nothing but whitespace followed yet
    while (i < text.length()) {
      int start = text.indexOf("=?", i);
      if (start < 0) {
        break;
      }
      Word w = parse(text, start);
      if (w == null) {
        pending.flush(out, problems);
        out.append(text, i, start + 2);
        afterLastWord = -1;
        i = start + 2;
        continue;
      }
      String between = text.substring(i, start);
      if (afterLastWord < 0 || !between.isBlank()) {
        pending.flush(out, problems);
        out.append(between);
      }
      byte[] bytes = w.bytes(problems);
      if (pending.charset != null && !pending.charset.equalsIgnoreCase(w.charset)) {
        pending.flush(out, problems);
      }
      pending.charset = w.charset;
      pending.bytes.write(bytes, 0, bytes.length);
      i = w.end;
      afterLastWord = w.end;
    }
    pending.flush(out, problems);
    out.append(text, i, text.length());
    return out.toString();
  }

  private static @Nullable Word parse(String s, int start) {
    int q1 = s.indexOf('?', start + 2);
    if (q1 < 0 || q1 == start + 2 || q1 - start > 80) {
      return null;
    }
    String charset = s.substring(start + 2, q1);
    for (int k = 0; k < charset.length(); k++) {
      char c = charset.charAt(k);
      if (c <= ' ' || c >= 0x7F || c == '=') {
        return null;
      }
    }
    if (q1 + 2 >= s.length() || s.charAt(q1 + 2) != '?') {
      return null;
    }
    char enc = Character.toUpperCase(s.charAt(q1 + 1));
    if (enc != 'B' && enc != 'Q') {
      return null;
    }
    int textStart = q1 + 3;
    int endMark = s.indexOf("?=", textStart);
    if (endMark < 0) {
      return null;
    }
    String payload = s.substring(textStart, endMark);
    if (enc == 'B' && payload.indexOf(' ') >= 0) {
      return null;
    }
    int star = charset.indexOf('*'); // RFC 2231 language suffix
    return new Word(star > 0 ? charset.substring(0, star) : charset, enc, payload, endMark + 2);
  }

  /** Lenient base64: skips characters outside the alphabet and repairs missing padding. */
  static byte[] lenientBase64(String payload) {
    StringBuilder clean = new StringBuilder(payload.length());
    for (int k = 0; k < payload.length(); k++) {
      char c = payload.charAt(k);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/') {
        clean.append(c);
      } else if (c == '=') {
        break;
      }
    }
    if (clean.length() % 4 == 1) {
      clean.setLength(clean.length() - 1);
    }
    while (clean.length() % 4 != 0) {
      clean.append('=');
    }
    return Base64.getDecoder().decode(clean.toString());
  }

  private static byte[] decodeQ(String payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length());
    for (int k = 0; k < payload.length(); k++) {
      char c = payload.charAt(k);
      if (c == '_') {
        out.write(' ');
      } else if (c == '=' && k + 2 < payload.length() && hex(payload.charAt(k + 1)) >= 0 && hex(payload.charAt(k + 2)) >= 0) {
        out.write(hex(payload.charAt(k + 1)) * 16 + hex(payload.charAt(k + 2)));
        k += 2;
      } else if (c < 0x80) {
        out.write(c);
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toByteArray();
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }

  private record Word(String charset, char encoding, String payload, int end) {
    byte[] bytes(Consumer<String> problems) {
      return encoding == 'B' ? lenientBase64(payload) : decodeQ(payload);
    }
  }

  private static final class Pending {
    @Nullable String charset;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    void flush(StringBuilder out, Consumer<String> problems) {
      if (charset != null) {
        out.append(Charsets.decode(bytes.toByteArray(), charset, "encoded word", problems));
        bytes.reset();
        charset = null;
      }
    }
  }
}
