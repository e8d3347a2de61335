package dev.satchel.mail.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A lenient parser for {@code Content-Type} and {@code Content-Disposition} values: the main value
 * plus parameters, with RFC 2231 extended values and continuations ({@code filename*0*=UTF-8''...})
 * decoded. Independent of Jakarta Mail's system properties; never throws.
 *
 * @param value the main value, lower case and trimmed ({@code "text/plain"}, {@code "attachment"})
 * @param parameters parameter names (lower case) to decoded values
 * @param extended the names of parameters that were given in RFC 2231 form (already decoded, so
 *     they must not be RFC 2047 decoded again)
 */
public record MimeParams(String value, Map<String, String> parameters, java.util.Set<String> extended) {

  /** A parameter's value, or null. */
  public @Nullable String parameter(String name) {
    return parameters.get(name);
  }

  /**
   * Parses an unfolded header value; never throws.
   *
   * @param what names the field in problem reports, for example {@code "Content-Type"}
   */
  public static MimeParams parse(String header, String what, Consumer<String> problems) {
    java.util.List<String> tokens = splitOutsideQuotes(header);
    String value = tokens.get(0).strip().toLowerCase(Locale.ROOT);
    Map<String, String> plain = new LinkedHashMap<>();
    Map<String, TreeMap<Integer, String[]>> segmented = new LinkedHashMap<>(); // name -> index -> {text, extended?}
    for (int i = 1; i < tokens.size(); i++) {
      String t = tokens.get(i);
      int eq = t.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String name = t.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String raw = unquote(t.substring(eq + 1).strip());
      int star = name.indexOf('*');
      if (star < 0) {
        plain.putIfAbsent(name, raw);
        continue;
      }
      String base = name.substring(0, star);
      String rest = name.substring(star + 1);
      boolean extended = rest.endsWith("*") || rest.isEmpty();
      String indexText = rest.endsWith("*") ? rest.substring(0, rest.length() - 1) : rest;
      int index;
      try {
        index = indexText.isEmpty() ? 0 : Integer.parseInt(indexText);
      } catch (NumberFormatException e) {
        continue;
      }
      segmented.computeIfAbsent(base, k -> new TreeMap<>()).put(index, new String[] {raw, extended ? "*" : ""});
    }
    Map<String, String> params = new LinkedHashMap<>(plain);
    segmented.forEach((name, segments) -> params.put(name, join(name, segments, what, problems)));
    return new MimeParams(value, Map.copyOf(params), java.util.Set.copyOf(segmented.keySet()));
  }

  private static String join(String name, TreeMap<Integer, String[]> segments, String what, Consumer<String> problems) {
    String charset = null;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean first = true;
    for (String[] seg : segments.values()) {
      String text = seg[0];
      boolean extended = !seg[1].isEmpty();
      if (first && extended) {
        int q1 = text.indexOf('\'');
        int q2 = q1 < 0 ? -1 : text.indexOf('\'', q1 + 1);
        if (q2 > q1) {
          charset = text.substring(0, q1);
          text = text.substring(q2 + 1);
        }
      }
      first = false;
      byte[] b = extended ? percentDecode(text) : text.getBytes(StandardCharsets.UTF_8);
      bytes.write(b, 0, b.length);
    }
    return Charsets.decode(bytes.toByteArray(), charset == null || charset.isEmpty() ? "utf-8" : charset,
        what + " parameter " + name, problems);
  }

  private static byte[] percentDecode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0) {
        out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toByteArray();
  }

  private static String unquote(String s) {
    if (s.length() < 2 || s.charAt(0) != '"') {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        sb.append(s.charAt(++i));
      } else if (c == '"') {
        break;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static java.util.List<String> splitOutsideQuotes(String s) {
    java.util.List<String> out = new java.util.ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        cur.append(c);
        if (c == '\\' && i + 1 < s.length()) {
          cur.append(s.charAt(++i));
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
        cur.append(c);
      } else if (c == ';') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
