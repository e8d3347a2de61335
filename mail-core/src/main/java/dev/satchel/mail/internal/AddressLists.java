package dev.satchel.mail.internal;

import dev.satchel.mail.EmailAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Lenient RFC 5322 address-list parsing for headers as they occur in real mail: groups, comments,
 * quoted and RFC 2047 encoded display names (also wrongly inside quotes), obsolete routes and stray
 * spaces. An entry that is no usable address is dropped and reported; parsing never throws.
 */
final class AddressLists {
  private AddressLists() {}

  /** Parses an unfolded header value (raw 8-bit text already decoded). */
  static List<EmailAddress> parse(String value, Consumer<String> problems) {
    List<EmailAddress> result = new ArrayList<>();
    for (String item : split(value)) {
      String trimmed = item.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.replaceAll("\\([^()]*\\)", "").isBlank()) {
        continue; // only a comment, such as "(no To-header on input)"
      }
      EmailAddress a = mailbox(trimmed);
      if (a == null) {
        problems.accept("unparseable address dropped: \"" + shorten(trimmed) + "\"");
      } else {
        result.add(a);
      }
    }
    return result;
  }

  /** Splits at top-level commas, dropping group names ("name:") and group ends (";"). */
  private static List<String> split(String s) {
    List<String> items = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    int comment = 0;
    boolean angle = false;
    boolean sawAddressChar = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        cur.append(c);
        if (c == '\\' && i + 1 < s.length()) {
          cur.append(s.charAt(++i));
        } else if (c == '"') {
          quoted = false;
        }
        continue;
      }
      if (comment > 0) {
        cur.append(c);
        if (c == '\\' && i + 1 < s.length()) {
          cur.append(s.charAt(++i));
        } else if (c == '(') {
          comment++;
        } else if (c == ')') {
          comment--;
        }
        continue;
      }
      switch (c) {
        case '"' -> {
          quoted = true;
          cur.append(c);
        }
        case '(' -> {
          comment = 1;
          cur.append(c);
        }
        case '<' -> {
          angle = true;
          sawAddressChar = true;
          cur.append(c);
        }
        case '>' -> {
          angle = false;
          cur.append(c);
        }
        case '@' -> {
          sawAddressChar = true;
          cur.append(c);
        }
        case ',', ';' -> {
          if (angle) {
            cur.append(c); // obsolete route inside <...>
          } else {
            items.add(cur.toString());
            cur.setLength(0);
            sawAddressChar = false;
          }
        }
        case ':' -> {
          if (angle || sawAddressChar) {
            cur.append(c);
          } else {
            cur.setLength(0); // a group's display name
          }
        }
        default -> cur.append(c);
      }
    }
    items.add(cur.toString());
    return items;
  }

  private static @Nullable EmailAddress mailbox(String item) {
    List<Segment> phrase = new ArrayList<>();
    StringBuilder addr = new StringBuilder();
    String comment = null;
    int lt = indexOutsideQuotes(item, '<');
    String namePart = lt >= 0 ? item.substring(0, lt) : "";
    String addrPart;
    if (lt >= 0) {
      int gt = lt + 1 + indexOutsideQuotes(item.substring(lt + 1), '>');
      if (gt == lt) {
        gt = -1;
      }
      addrPart = gt >= 0 ? item.substring(lt + 1, gt) : item.substring(lt + 1);
    } else {
      addrPart = item;
    }
    // Address: drop comments and whitespace outside quotes.
    boolean quoted = false;
    int depth = 0;
    StringBuilder commentText = new StringBuilder();
    for (int i = 0; i < addrPart.length(); i++) {
      char c = addrPart.charAt(i);
      if (depth > 0) {
        if (c == '(') {
          depth++;
        } else if (c == ')') {
          depth--;
          if (depth == 0) {
            continue;
          }
        }
        if (depth > 0) {
          commentText.append(c);
        }
        continue;
      }
      if (quoted) {
        addr.append(c);
        if (c == '\\' && i + 1 < addrPart.length()) {
          addr.append(addrPart.charAt(++i));
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
        addr.append(c);
      } else if (c == '(') {
        depth = 1;
      } else if (!Character.isWhitespace(c)) {
        addr.append(c);
      }
    }
    if (commentText.length() > 0) {
      comment = commentText.toString().strip();
    }
    String spec = addr.toString();
    int colon = spec.indexOf(':');
    if (spec.startsWith("@") && colon > 0) {
      spec = spec.substring(colon + 1); // obsolete source route
    }
    Optional<EmailAddress> parsed = EmailAddress.tryParse(spec);
    if (parsed.isEmpty()) {
      return null;
    }
    EmailAddress a = parsed.get();
    String name = lt >= 0 ? phrase(namePart, phrase) : comment;
    if (name == null || name.isBlank()) {
      return new EmailAddress(a.localPart(), a.domain(), Optional.empty());
    }
    try {
      return new EmailAddress(a.localPart(), a.domain(), Optional.of(sanitize(name)));
    } catch (IllegalArgumentException e) {
      return new EmailAddress(a.localPart(), a.domain(), Optional.empty());
    }
  }

  /** Decodes a display-name phrase: quoted strings unquoted verbatim, encoded words decoded, outer space dropped. */
  private static String phrase(String raw, List<Segment> segments) {
    String s = raw.strip();
    StringBuilder plain = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        if (plain.length() > 0) {
          segments.add(new Segment(plain.toString(), false));
          plain.setLength(0);
        }
        StringBuilder q = new StringBuilder();
        i++;
        while (i < s.length() && s.charAt(i) != '"') {
          if (s.charAt(i) == '\\' && i + 1 < s.length()) {
            i++;
          }
          q.append(s.charAt(i));
          i++;
        }
        segments.add(new Segment(q.toString(), true));
      } else if (c == '(') {
        int depth = 1; // comments in a phrase are not part of the name
        while (++i < s.length() && depth > 0) {
          if (s.charAt(i) == '(') {
            depth++;
          } else if (s.charAt(i) == ')') {
            depth--;
          }
        }
        i--;
      } else {
        plain.append(c);
      }
    }
    if (plain.length() > 0) {
      segments.add(new Segment(plain.toString(), false));
    }
    StringBuilder name = new StringBuilder();
    Consumer<String> ignore = p -> {};
    for (int k = 0; k < segments.size(); k++) {
      Segment seg = segments.get(k);
      if (seg.quoted()) {
        name.append(seg.text().contains("=?") ? EncodedWords.decode(seg.text(), ignore) : seg.text());
      } else {
        String t = seg.text();
        if (k == 0) {
          t = t.stripLeading();
        }
        if (k == segments.size() - 1) {
          t = t.stripTrailing();
        }
        name.append(EncodedWords.decode(t, ignore));
      }
    }
    return name.toString();
  }

  private record Segment(String text, boolean quoted) {}

  private static String sanitize(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      sb.append(c == '\r' || c == '\n' || c == '\0' ? ' ' : c);
    }
    return sb.toString();
  }

  private static int indexOutsideQuotes(String s, char wanted) {
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == wanted) {
        return i;
      }
    }
    return -1;
  }

  static String shorten(String s) {
    String t = s.length() > 120 ? s.substring(0, 120) + "..." : s;
    StringBuilder sb = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      sb.append(c < 0x20 || c == 0x7F ? '?' : c);
    }
    return sb.toString();
  }
}
