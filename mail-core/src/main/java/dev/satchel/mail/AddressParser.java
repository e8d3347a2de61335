package dev.satchel.mail;

import java.util.Optional;

/** Parses one RFC 5322 mailbox. Not thread-safe; one instance per input. */
final class AddressParser {
  private final String in;
  private int pos;

  AddressParser(String in) {
    this.in = in;
  }

  EmailAddress parseMailbox() {
    for (int i = 0; i < in.length(); i++) {
      char c = in.charAt(i);
      if (c == '\r' || c == '\n' || c == '\0') {
        throw fail("must not contain CR, LF or NUL");
      }
    }
    skipSpace();
    if (pos >= in.length()) {
      throw fail("is empty");
    }
    int lt = findAngle();
    EmailAddress result;
    if (lt >= 0) {
      String name = parseDisplayName(lt);
      pos = lt + 1;
      String[] spec = parseAddrSpec('>');
      expect('>');
      skipSpace();
      result = new EmailAddress(spec[0], spec[1], name.isEmpty() ? Optional.empty() : Optional.of(name));
    } else {
      String[] spec = parseAddrSpec('\uFFFF');
      skipSpace();
      result = new EmailAddress(spec[0], spec[1], Optional.empty());
    }
    if (pos != in.length()) {
      throw fail("has unexpected text after the address at position " + pos + ": \"" + EmailAddress.escape(in.substring(pos)) + "\"");
    }
    return result;
  }

  /** Position of the '<' that opens an angle-addr, outside quoted strings; -1 when none. */
  private int findAngle() {
    boolean quoted = false;
    for (int i = pos; i < in.length(); i++) {
      char c = in.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '<') {
        return i;
      }
    }
    return -1;
  }

  private String parseDisplayName(int end) {
    StringBuilder sb = new StringBuilder();
    int i = pos;
    boolean sawQuoted = false;
    while (i < end) {
      char c = in.charAt(i);
      if (c == '"') {
        sawQuoted = true;
        i++;
        boolean closed = false;
        while (i < end) {
          char q = in.charAt(i);
          if (q == '\\') {
            if (i + 1 >= end) {
              throw fail("has a quoted display name ending in a backslash");
            }
            sb.append(in.charAt(i + 1));
            i += 2;
          } else if (q == '"') {
            closed = true;
            i++;
            break;
          } else {
            sb.append(q);
            i++;
          }
        }
        if (!closed) {
          throw fail("has an unterminated quoted display name");
        }
      } else if (c == '(' || c == ')' || c == '<' || c == '>' || c == '@' || c == ',' || c == ';' || c == ':' || c == '\\' || c == '[' || c == ']') {
        throw fail("has '" + c + "' in the display name; quote the name, for example \"Smith, Alice\" <alice@example.com>");
      } else {
        sb.append(c);
        i++;
      }
    }
    String name = sb.toString();
    return sawQuoted ? stripOuterUnquoted(name, pos, end) : name.strip();
  }

  /** For a quoted display name keep its inner spaces exactly, dropping only the space around the quotes. */
  private String stripOuterUnquoted(String decoded, int start, int end) {
    String raw = in.substring(start, end).strip();
    if (raw.startsWith("\"") && raw.endsWith("\"") && raw.length() >= 2) {
      return decoded.substring(leadingSpaces(in.substring(start, end)), decoded.length() - trailingSpaces(in.substring(start, end)));
    }
    return decoded.strip();
  }

  private static int leadingSpaces(String s) {
    int n = 0;
    while (n < s.length() && s.charAt(n) == ' ') {
      n++;
    }
    return n;
  }

  private static int trailingSpaces(String s) {
    int n = 0;
    while (n < s.length() && s.charAt(s.length() - 1 - n) == ' ') {
      n++;
    }
    return n;
  }

  private String[] parseAddrSpec(char terminator) {
    String local;
    if (pos < in.length() && in.charAt(pos) == '"') {
      local = parseQuotedLocal();
    } else {
      int start = pos;
      while (pos < in.length() && in.charAt(pos) != '@' && in.charAt(pos) != terminator) {
        char c = in.charAt(pos);
        if (c == ' ' || c == '\t' || c == '"' || c == '(' || c == ')' || c == ',' || c == ';' || c == ':' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\') {
          throw fail("has '" + c + "' in the local part at position " + pos + "; such characters need a quoted local part");
        }
        pos++;
      }
      local = in.substring(start, pos);
      if (local.isEmpty()) {
        throw fail("has an empty local part");
      }
      if (!EmailAddress.isDotAtom(local)) {
        throw fail("has a local part with a misplaced dot: \"" + EmailAddress.escape(local) + "\"");
      }
    }
    if (pos >= in.length() || in.charAt(pos) != '@') {
      throw fail("has no '@'");
    }
    pos++;
    int start = pos;
    while (pos < in.length() && in.charAt(pos) != terminator && in.charAt(pos) != ' ' && in.charAt(pos) != '\t') {
      pos++;
    }
    String domain = in.substring(start, pos);
    if (domain.isEmpty()) {
      throw fail("has an empty domain");
    }
    if (domain.indexOf('@') >= 0) {
      throw fail("has more than one '@' outside quotes");
    }
    return new String[] {local, domain};
  }

  private String parseQuotedLocal() {
    pos++;
    StringBuilder sb = new StringBuilder();
    while (pos < in.length()) {
      char c = in.charAt(pos);
      if (c == '\\') {
        if (pos + 1 >= in.length()) {
          break;
        }
        sb.append(in.charAt(pos + 1));
        pos += 2;
      } else if (c == '"') {
        pos++;
        return sb.toString();
      } else {
        sb.append(c);
        pos++;
      }
    }
    throw fail("has an unterminated quoted local part");
  }

  private void expect(char c) {
    if (pos >= in.length() || in.charAt(pos) != c) {
      throw fail("is missing '" + c + "' at position " + pos);
    }
    pos++;
  }

  private void skipSpace() {
    while (pos < in.length() && (in.charAt(pos) == ' ' || in.charAt(pos) == '\t')) {
      pos++;
    }
  }

  private IllegalArgumentException fail(String what) {
    return new IllegalArgumentException("not a valid email address: \"" + EmailAddress.escape(in) + "\" " + what);
  }
}
