package dev.satchel.mail;

import java.util.Optional;

/**
 * Parses one RFC 5322 mailbox (with RFC 6532 UTF-8) for {@link EmailAddress}. Not thread-safe; one
 * instance per input.
 *
 * <p>Grammar accepted, where CFWS is spaces, tabs and (nested) comments, all dropped:
 *
 * <pre>
 * mailbox    = name-addr / [CFWS] addr-spec [CFWS]
 * name-addr  = [phrase] [CFWS] "&lt;" addr-spec "&gt;" [CFWS]
 * phrase     = word *([CFWS] word)          ; word = atom (dots allowed, obs-phrase) / quoted-string
 * addr-spec  = (dot-atom-text / quoted-string) "@" (host name / "[" address literal "]")
 * </pre>
 *
 * <p>No CFWS is accepted inside the addr-spec itself. Every failure is an
 * {@link IllegalArgumentException} showing the input and what is wrong with it.
 */
final class AddressParser {
  private final String in;
  private int pos;

  AddressParser(String in) {
    this.in = in;
  }

  /** A mailbox: bare addr-spec or name-addr. */
  EmailAddress parseMailbox() {
    checkCharacters();
    skipCfws();
    if (pos >= in.length()) {
      throw fail("it is empty");
    }
    EmailAddress result;
    if (findAngle() >= 0) {
      String name = parsePhrase();
      pos++; // the '<'
      skipCfws();
      result = parseAddrSpec(true, name);
      skipCfws();
      if (pos >= in.length() || in.charAt(pos) != '>') {
        throw fail(pos >= in.length() ? "the closing '>' is missing" : unexpected("where '>' should close the address"));
      }
      pos++;
    } else {
      result = parseAddrSpec(false, "");
    }
    expectEnd();
    return result;
  }

  /** A bare addr-spec, for {@link EmailAddress#of(String)}. */
  EmailAddress parseBareAddrSpec() {
    checkCharacters();
    skipCfws();
    if (pos >= in.length()) {
      throw fail("it is empty");
    }
    if (findAngle() >= 0) {
      throw fail("of(address) takes a bare address such as alice@example.com; use parse(...) for a display name"
          + " or angle brackets");
    }
    EmailAddress result = parseAddrSpec(false, "");
    expectEnd();
    return result;
  }

  // ---------------------------------------------------------------- pieces

  private void checkCharacters() {
    for (int i = 0; i < in.length(); i++) {
      char c = in.charAt(i);
      if (c == '\r' || c == '\n' || c == '\0') {
        throw fail("it contains CR, LF or NUL at index " + i);
      }
      if (Character.isISOControl(c) && c != '\t') {
        throw fail("it contains a control character (" + EmailAddress.codePoint(c) + ") at index " + i);
      }
      if (Character.isHighSurrogate(c) && i + 1 < in.length() && Character.isLowSurrogate(in.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw fail("it contains an unpaired surrogate (" + EmailAddress.codePoint(c) + ") at index " + i);
      }
    }
  }

  /** Index of the '<' that opens an angle-addr, outside quoted strings and comments; -1 when none. */
  private int findAngle() {
    boolean quoted = false;
    int depth = 0;
    for (int i = pos; i < in.length(); i++) {
      char c = in.charAt(i);
      if (c == '\\' && (quoted || depth > 0)) {
        i++;
      } else if (quoted) {
        quoted = c != '"';
      } else if (depth > 0) {
        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      } else if (c == '"') {
        quoted = true;
      } else if (c == '(') {
        depth = 1;
      } else if (c == '<') {
        return i;
      }
    }
    return -1;
  }

  /**
   * The display name before '&lt;': words joined by one space where CFWS separated them. Leaves
   * {@code pos} at the '&lt;'.
   */
  private String parsePhrase() {
    StringBuilder sb = new StringBuilder();
    boolean first = true;
    while (true) {
      boolean separated = skipCfws();
      if (pos >= in.length()) {
        throw fail("the '<' is missing"); // unreachable: findAngle saw one
      }
      int cp = in.codePointAt(pos);
      if (cp == '<') {
        return sb.toString();
      }
      if (separated && !first) {
        sb.append(' ');
      }
      if (cp == '"') {
        sb.append(quotedString("display name"));
      } else if (isPhraseChar(cp)) {
        while (pos < in.length() && isPhraseChar(in.codePointAt(pos))) {
          sb.appendCodePoint(in.codePointAt(pos));
          pos += Character.charCount(in.codePointAt(pos));
        }
      } else {
        throw fail("it has " + describe(pos) + " in the display name at index " + pos
            + "; quote the name, for example \"Smith, Alice\" <alice@example.com>");
      }
      first = false;
    }
  }

  /** atext, '.' (obs-phrase) and any non-ASCII character that is not a control (CJK spaces too). */
  private static boolean isPhraseChar(int cp) {
    return cp == '.' || EmailAddress.isAtext(cp) || (cp >= 0x80 && !Character.isISOControl(cp));
  }

  /**
   * local-part "@" domain. When {@code angled}, the spec ends at '&gt;'; otherwise at CFWS or the end.
   */
  private EmailAddress parseAddrSpec(boolean angled, String displayName) {
    int start = pos;
    if (angled && pos < in.length() && in.charAt(pos) == '>') {
      throw fail("the angle brackets hold no address");
    }
    if (angled && pos < in.length() && in.charAt(pos) == '@') {
      throw fail("it has a source route (<@host:...>), which is obsolete and not supported");
    }
    String local;
    if (pos < in.length() && in.charAt(pos) == '"') {
      local = quotedString("local part");
      if (pos < in.length() && in.charAt(pos) == '.') {
        throw fail("its local part mixes quoted and unquoted text; quote the whole local part");
      }
    } else {
      while (pos < in.length() && (in.codePointAt(pos) == '.' || EmailAddress.isAtext(in.codePointAt(pos)))) {
        pos += Character.charCount(in.codePointAt(pos));
      }
      local = in.substring(start, pos);
      if (local.isEmpty() && pos < in.length() && in.charAt(pos) == '@') {
        throw fail("its local part (before '@') is empty");
      }
      if (local.isEmpty() && pos >= in.length()) {
        throw fail("it ends where the address should start");
      }
      if (local.isEmpty()) {
        throw fail("it has " + describe(pos) + " at index " + pos + " where the address should start");
      }
      if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
        throw fail("its local part \"" + EmailAddress.escape(local)
            + "\" starts or ends with a dot or has two dots in a row; such a local part must be quoted");
      }
    }
    if (pos >= in.length() || (angled && in.charAt(pos) == '>')) {
      throw fail("it has no '@' between local part and domain");
    }
    if (in.charAt(pos) != '@') {
      char c = in.charAt(pos);
      if ((c == ' ' || c == '\t') && !angled && in.indexOf('@', pos) >= 0) {
        throw fail("it has a space at index " + pos
            + "; a display name needs the address in angle brackets, for example Alice <alice@example.com>");
      }
      throw fail("it has " + describe(pos) + " in the local part at index " + pos
          + "; such characters need a quoted local part, for example \"john doe\"@example.com");
    }
    pos++;
    int domainStart = pos;
    if (pos < in.length() && in.charAt(pos) == '[') {
      int close = in.indexOf(']', pos);
      if (close < 0) {
        throw fail("its domain literal has no closing ']'");
      }
      pos = close + 1;
    } else {
      while (pos < in.length() && !endsDomain(in.charAt(pos))) {
        pos++;
      }
    }
    String domain = in.substring(domainStart, pos);
    if (domain.isEmpty()) {
      throw fail("its domain (after '@') is empty");
    }
    if (domain.indexOf('@') >= 0) {
      throw fail("it has more than one '@'; a local part holding '@' must be quoted, for example \"a@b\"@example.com");
    }
    try {
      return new EmailAddress(local, domain, displayName.isEmpty() ? Optional.empty() : Optional.of(displayName));
    } catch (IllegalArgumentException e) {
      throw fail(String.valueOf(e.getMessage()));
    }
  }

  private static boolean endsDomain(char c) {
    return c == ' ' || c == '\t' || c == '(' || c == ')' || c == '<' || c == '>' || c == ',' || c == ';'
        || c == '"' || c == '[' || c == ']';
  }

  /** A quoted string starting at {@code pos}; returns its content without quotes and escapes. */
  private String quotedString(String what) {
    int open = pos;
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
    throw fail("its quoted " + what + " starting at index " + open + " has no closing '\"'");
  }

  /** Skips spaces, tabs and comments; true when anything was skipped. */
  private boolean skipCfws() {
    int start = pos;
    while (pos < in.length()) {
      char c = in.charAt(pos);
      if (c == ' ' || c == '\t') {
        pos++;
      } else if (c == '(') {
        skipComment();
      } else {
        break;
      }
    }
    return pos > start;
  }

  private void skipComment() {
    int open = pos;
    int depth = 0;
    while (pos < in.length()) {
      char c = in.charAt(pos++);
      if (c == '\\') {
        pos++;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return;
      }
    }
    throw fail("its comment starting at index " + open + " has no closing ')'");
  }

  private void expectEnd() {
    skipCfws();
    if (pos >= in.length()) {
      return;
    }
    char c = in.charAt(pos);
    if (c == ',' || c == ';') {
      throw fail("it holds more than one address (" + describe(pos) + " at index " + pos + "); parse each one separately");
    }
    if (c == '>') {
      throw fail("it has a '>' at index " + pos + " without a matching '<'");
    }
    throw fail(unexpected("after the address"));
  }

  private String unexpected(String where) {
    return "it has unexpected text at index " + pos + " " + where + ": \"" + EmailAddress.escape(in.substring(pos)) + "\"";
  }

  private String describe(int at) {
    int cp = in.codePointAt(at);
    if (cp == ' ') {
      return "a space";
    }
    if (cp == '\t') {
      return "a tab";
    }
    return cp < 0x80 && cp > 0x20 ? "'" + (char) cp + "'" : EmailAddress.codePoint(cp);
  }

  private IllegalArgumentException fail(String what) {
    return new IllegalArgumentException("not a valid email address \"" + EmailAddress.escape(in) + "\": " + what);
  }
}
