package dev.satchel.mail;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An email address: an RFC 5322 addr-spec ({@code local@domain}) with an optional display name.
 *
 * <p>What is accepted:
 *
 * <ul>
 *   <li>local parts as dot-atoms ({@code alice.smith+tag}) or quoted strings ({@code "john doe"},
 *       {@code "a@b"}, {@code "say \"hi\""}), with UTF-8 (RFC 6532) in either form;
 *   <li>domains as ASCII host names ({@code example.com}, {@code localhost}), Unicode
 *       ({@code bücher.example}), punycode ({@code xn--bcher-kva.example}) or address literals
 *       ({@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}); a domain is kept as given and compared
 *       exactly as given, {@link #asciiDomain()} and {@link #unicodeDomain()} convert it
 *       (IDNA 2003, as {@link IDN} implements it);
 *   <li>display names with any Unicode text and specials ({@code "Smith, Alice"}); they are quoted and
 *       escaped as needed by {@link #toString()}.
 * </ul>
 *
 * <p>RFC 5321 limits apply: a local part of at most 64 octets (as sent, quotes included), a domain of
 * at most 253 characters in ASCII form with labels of at most 63, an address of at most 254 octets.
 * Control characters (CR, LF, NUL, tab, DEL, C1) are rejected everywhere.
 *
 * <p>{@link #toString()} gives the mailbox form ({@code "Smith, Alice" <alice@example.com>}), which
 * {@link #parse(String)} turns back into an equal value.
 *
 * <pre>{@code
 * EmailAddress a = EmailAddress.parse("\"Smith, Alice\" <alice@example.com>");
 * a.displayName(); // Optional[Smith, Alice]
 * a.address();     // alice@example.com
 * EmailAddress.tryParse("not an address"); // Optional.empty
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param localPart the part before the {@code @}, unquoted: a quoted local part is stored without its
 *     quotes and escapes ({@code "john doe"} is stored as {@code john doe})
 * @param domain the domain as given (Unicode, ASCII or punycode, or an address literal in brackets)
 * @param displayName the display name, unquoted; empty when there is none (a blank name counts as
 *     none)
 */
public record EmailAddress(String localPart, String domain, Optional<String> displayName) {
  /** RFC 5321 4.5.3.1.1: at most 64 octets in a local part. */
  static final int MAX_LOCAL_OCTETS = 64;
  /** RFC 1035 / RFC 5321: at most 253 characters in a domain name (255 octets on the wire). */
  static final int MAX_DOMAIN_CHARS = 253;
  /** RFC 1035: at most 63 characters in a label. */
  static final int MAX_LABEL_CHARS = 63;
  /** RFC 5321 4.5.3.1.3: a path is at most 256 octets including the angle brackets. */
  static final int MAX_ADDRESS_OCTETS = 254;

  private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";
  /** The label separators IDNA accepts: full stop and the ideographic and full-width ones (compiled once). */
  private static final java.util.regex.Pattern DOTS = java.util.regex.Pattern.compile("[.\u3002\uFF0E\uFF61]");

  /**
   * Validates and normalises the parts: a blank display name becomes none.
   *
   * @throws IllegalArgumentException naming the part that is wrong and its value: an empty or
   *     over-long local part, a local part or display name with control characters, a domain that is
   *     not a host name or address literal, or an address longer than 254 octets
   * @throws NullPointerException when a component is null
   */
  public EmailAddress {
    Objects.requireNonNull(localPart, "localPart");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(displayName, "displayName");
    checkLocalPart(localPart);
    String asciiDomain = checkDomain(domain);
    if (displayName.isPresent()) {
      String dn = displayName.get();
      checkDisplayName(dn);
      if (dn.isBlank()) {
        displayName = Optional.empty();
      }
    }
    int octets = utf8Length(formatLocalPart(localPart)) + 1 + asciiDomain.length();
    if (octets > MAX_ADDRESS_OCTETS) {
      throw new IllegalArgumentException("address must be at most " + MAX_ADDRESS_OCTETS
          + " octets (RFC 5321), was " + octets + ": \"" + escape(localPart) + "\" at \"" + escape(domain) + "\"");
    }
  }

  /**
   * Parses one mailbox: {@code alice@example.com}, {@code <alice@example.com>},
   * {@code Alice <alice@example.com>} or {@code "Smith, Alice" <alice@example.com>}.
   *
   * <p>Whitespace and comments ({@code (like this)}) around the address and between the words of the
   * display name are allowed and dropped; a run of them between two words of an unquoted display name
   * counts as one space. Group syntax, lists of several addresses, source routes and encoded words
   * (RFC 2047; decoding those is the MIME reader's job) are not interpreted.
   *
   * @param text the mailbox
   * @return the address
   * @throws IllegalArgumentException saying what is wrong with {@code text} and showing it
   * @throws NullPointerException when {@code text} is null
   */
  public static EmailAddress parse(String text) {
    Objects.requireNonNull(text, "text");
    return new AddressParser(text).parseMailbox();
  }

  /**
   * Like {@link #parse(String)}, but empty instead of throwing for invalid input.
   *
   * @param text the mailbox
   * @return the address, or empty when {@code text} is not a valid mailbox
   * @throws NullPointerException when {@code text} is null
   */
  public static Optional<EmailAddress> tryParse(String text) {
    Objects.requireNonNull(text, "text");
    try {
      return Optional.of(parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * An address without a display name from its addr-spec, for example {@code alice@example.com} or
   * {@code "john doe"@example.com}. Surrounding whitespace is allowed.
   *
   * @param address the addr-spec
   * @return the address
   * @throws IllegalArgumentException when {@code address} is not a valid addr-spec (a display name or
   *     angle brackets included: use {@link #parse(String)} for those)
   */
  public static EmailAddress of(String address) {
    Objects.requireNonNull(address, "address");
    return new AddressParser(address).parseBareAddrSpec();
  }

  /**
   * An address with a display name; an empty or blank name means none.
   *
   * @param displayName the name, any Unicode text without control characters
   * @param address the addr-spec, as for {@link #of(String)}
   * @return the address
   * @throws IllegalArgumentException when {@code address} is not a valid addr-spec or the name holds a
   *     control character (CR, LF, NUL among them)
   */
  public static EmailAddress of(String displayName, String address) {
    Objects.requireNonNull(displayName, "displayName");
    return of(address).withDisplayName(displayName);
  }

  /**
   * The same address with another display name; an empty or blank name removes it.
   *
   * @param name the new display name
   * @return the changed copy
   * @throws IllegalArgumentException when the name holds a control character
   */
  public EmailAddress withDisplayName(String name) {
    Objects.requireNonNull(name, "name");
    return new EmailAddress(localPart, domain, Optional.of(name));
  }

  /**
   * The addr-spec, {@code local@domain}, with the local part quoted and escaped where RFC 5322
   * requires it and the domain as given.
   *
   * @return the addr-spec
   */
  public String address() {
    return formatLocalPart(localPart) + "@" + domain;
  }

  /**
   * The domain in ASCII form (punycode labels for Unicode ones), for DNS and for servers without
   * SMTPUTF8; an address literal unchanged.
   *
   * @return the ASCII domain
   */
  public String asciiDomain() {
    // an ASCII domain was checked when this address was made, and is its own ASCII form
    return isLiteral(domain) || isAscii(domain) ? domain : checkDomain(domain);
  }

  /**
   * The domain in Unicode form (punycode labels decoded), for display; an address literal unchanged.
   *
   * @return the Unicode domain
   */
  public String unicodeDomain() {
    if (isLiteral(domain)) {
      return domain;
    }
    StringBuilder out = new StringBuilder(domain.length());
    for (String label : DOTS.split(domain, -1)) {
      if (out.length() > 0) {
        out.append('.');
      }
      String u = IDN.toUnicode(label, IDN.ALLOW_UNASSIGNED);
      if (u.equalsIgnoreCase(label) && label.regionMatches(true, 0, "xn--", 0, 4)) {
        u = idna2008Label(label).orElse(label); // IDNA 2003 cannot decode a label holding ß or ς
      }
      out.append(u);
    }
    return out.toString();
  }

  /** IDNA 2008 keeps these, where IDNA 2003 (java.net.IDN) maps ß to ss and ς to σ. */
  private static boolean hasDeviation(String label) {
    return label.indexOf('\u00DF') >= 0 || label.indexOf('\u03C2') >= 0;
  }

  /**
   * The ASCII form of a Unicode label holding ß or ς, as IDNA 2008 writes it: lower case, NFC,
   * punycode. The rest of the label must pass IDNA's checks, as tested with the two characters
   * replaced by what IDNA 2003 maps them to.
   */
  private static String idna2008Ascii(String label) {
    String lower = java.text.Normalizer.normalize(lowerEachCodePoint(label), java.text.Normalizer.Form.NFC);
    IDN.toASCII(lower.replace("\u00DF", "ss").replace('\u03C2', '\u03C3'), IDN.ALLOW_UNASSIGNED | IDN.USE_STD3_ASCII_RULES);
    return "xn--" + dev.satchel.mail.internal.Punycode.encode(lower);
  }

  /**
   * Lower case code point by code point, without context: a capital sigma becomes σ, never the final
   * ς that {@link String#toLowerCase} writes at a word's end (IDNA maps Σ to σ), and ẞ becomes ß.
   */
  private static String lowerEachCodePoint(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().map(Character::toLowerCase).forEach(b::appendCodePoint);
    return b.toString();
  }

  /** The Unicode form of an {@code xn--} label that only IDNA 2008 produces, when it is one. */
  private static Optional<String> idna2008Label(String label) {
    Optional<String> decoded = dev.satchel.mail.internal.Punycode.decode(label.substring(4));
    if (decoded.isEmpty() || !hasDeviation(decoded.get())) {
      return Optional.empty();
    }
    try {
      return idna2008Ascii(decoded.get()).equalsIgnoreCase(label) ? decoded : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The addr-spec with the domain in ASCII form; the local part may still hold UTF-8 (see
   * {@link #needsSmtpUtf8()}).
   *
   * @return the addr-spec with an ASCII domain
   */
  public String asciiAddress() {
    return formatLocalPart(localPart) + "@" + asciiDomain();
  }

  /**
   * Whether sending to or from this address needs an SMTPUTF8 server (RFC 6531): true when the local
   * part holds non-ASCII characters. A Unicode domain alone does not, as {@link #asciiAddress()} can be
   * used instead.
   *
   * @return true when the local part is not ASCII
   */
  public boolean needsSmtpUtf8() {
    return !isAscii(localPart);
  }

  /**
   * The mailbox form: {@code Display Name <local@domain>}, the name quoted and escaped when it holds
   * specials ({@code "Smith, Alice" <alice@example.com>}), or just the addr-spec when there is no
   * display name. {@link #parse(String)} turns it back into an equal value. Unicode is kept as is
   * (RFC 6532); encoding for a header that must be ASCII is the MIME writer's job.
   */
  @Override
  public String toString() {
    if (displayName.isEmpty()) {
      return address();
    }
    return formatDisplayName(displayName.get()) + " <" + address() + ">";
  }

  // ---------------------------------------------------------------- formatting

  /** The display name as an RFC 5322 phrase: as is when it is plain words, quoted otherwise. */
  static String formatDisplayName(String name) {
    return isPlainPhrase(name) ? name : quote(name);
  }

  /** The local part as sent: a dot-atom as is, anything else quoted. */
  static String formatLocalPart(String local) {
    return isDotAtom(local) ? local : quote(local);
  }

  private static boolean isPlainPhrase(String name) {
    if (name.isEmpty() || name.startsWith(" ") || name.endsWith(" ") || name.contains("  ") || name.contains("=?")) {
      return false;
    }
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      if (cp != ' ' && !isAtext(cp)) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').toString();
  }

  /** RFC 5322 dot-atom-text (with RFC 6532 UTF-8): atext runs separated by single dots. */
  static boolean isDotAtom(String s) {
    if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
      return false;
    }
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (cp != '.' && !isAtext(cp)) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  /**
   * RFC 5322 atext, extended by RFC 6532 to non-ASCII characters; of those, whitespace, separators,
   * controls and lone surrogates are left out so that they are always quoted.
   */
  static boolean isAtext(int cp) {
    if (cp < 0x80) {
      return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')
          || ATEXT_SPECIALS.indexOf(cp) >= 0;
    }
    return isVisibleNonAscii(cp);
  }

  /** A non-ASCII code point that may stand unquoted: not a control, space, separator or surrogate. */
  static boolean isVisibleNonAscii(int cp) {
    if (cp < 0x80 || Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
      return false;
    }
    int type = Character.getType(cp);
    return type != Character.CONTROL && type != Character.SURROGATE;
  }

  // ---------------------------------------------------------------- validation

  private static void checkLocalPart(String local) {
    if (local.isEmpty()) {
      throw new IllegalArgumentException("local part must not be empty");
    }
    String bad = forbiddenCharacter(local);
    if (bad != null) {
      throw new IllegalArgumentException("local part must not contain " + bad + ", was \"" + escape(local) + "\"");
    }
    int octets = utf8Length(formatLocalPart(local));
    if (octets > MAX_LOCAL_OCTETS) {
      throw new IllegalArgumentException("local part must be at most " + MAX_LOCAL_OCTETS
          + " octets (RFC 5321, quotes included), was " + octets + ": \"" + escape(local) + "\"");
    }
  }

  private static void checkDisplayName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '\r' || c == '\n' || c == '\0') {
        throw new IllegalArgumentException(
            "display name must not contain CR, LF or NUL (header injection), was \"" + escape(name) + "\"");
      }
    }
    String bad = forbiddenCharacter(name);
    if (bad != null) {
      throw new IllegalArgumentException("display name must not contain " + bad + ", was \"" + escape(name) + "\"");
    }
  }

  /** Describes the first control character or lone surrogate in {@code s}; null when there is none. */
  static @Nullable String forbiddenCharacter(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "an unpaired surrogate (" + codePoint(c) + ") at index " + i;
      } else if (Character.isISOControl(c)) {
        return "a control character (" + codePoint(c) + ") at index " + i;
      }
    }
    return null;
  }

  /**
   * Validates a domain and returns its ASCII form.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  private static String checkDomain(String domain) {
    if (domain.isEmpty()) {
      throw new IllegalArgumentException("domain must not be empty");
    }
    if (isLiteral(domain) || domain.startsWith("[") || domain.endsWith("]")) {
      checkAddressLiteral(domain);
      return domain;
    }
    for (int i = 0; i < domain.length(); ) {
      int cp = domain.codePointAt(i);
      boolean ok = cp < 0x80
          ? (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '-' || cp == '.'
          : isVisibleNonAscii(cp);
      if (!ok) {
        throw new IllegalArgumentException("domain must hold only letters, digits, '-' and '.', was \""
            + escape(domain) + "\" (" + codePoint(cp) + " at index " + i + ")");
      }
      i += Character.charCount(cp);
    }
    String[] labels = DOTS.split(domain, -1);
    StringBuilder ascii = new StringBuilder(domain.length() + 16);
    for (String label : labels) {
      if (label.isEmpty()) {
        throw new IllegalArgumentException(
            "domain must not start or end with a dot or hold an empty label, was \"" + escape(domain) + "\"");
      }
      String asciiLabel;
      try {
        asciiLabel = isAscii(label) ? label
            : hasDeviation(lowerEachCodePoint(label)) ? idna2008Ascii(label)
            : IDN.toASCII(label, IDN.ALLOW_UNASSIGNED | IDN.USE_STD3_ASCII_RULES);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("domain label \"" + escape(label)
            + "\" is not a valid internationalised label (IDNA), in \"" + escape(domain) + "\": " + e.getMessage(), e);
      }
      checkLabel(asciiLabel, domain);
      if (ascii.length() > 0) {
        ascii.append('.');
      }
      ascii.append(asciiLabel);
    }
    if (ascii.length() > MAX_DOMAIN_CHARS) {
      throw new IllegalArgumentException("domain must be at most " + MAX_DOMAIN_CHARS
          + " characters in ASCII form, was " + ascii.length() + ": \"" + escape(domain) + "\"");
    }
    return ascii.toString();
  }

  private static void checkLabel(String label, String domain) {
    if (label.isEmpty()) {
      throw new IllegalArgumentException("domain label must not be empty after IDNA mapping, in \"" + escape(domain) + "\"");
    }
    if (label.length() > MAX_LABEL_CHARS) {
      throw new IllegalArgumentException("domain label must be at most " + MAX_LABEL_CHARS
          + " characters in ASCII form, was " + label.length() + ": \"" + label + "\" in \"" + escape(domain) + "\"");
    }
    if (label.startsWith("-") || label.endsWith("-")) {
      throw new IllegalArgumentException("domain label must not start or end with '-', was \"" + label
          + "\" in \"" + escape(domain) + "\"");
    }
    if (label.regionMatches(true, 0, "xn--", 0, 4)) {
      String decoded = IDN.toUnicode(label, IDN.ALLOW_UNASSIGNED);
      boolean valid = !decoded.equalsIgnoreCase(label);
      if (valid) {
        try {
          valid = IDN.toASCII(decoded, IDN.ALLOW_UNASSIGNED | IDN.USE_STD3_ASCII_RULES).equalsIgnoreCase(label);
        } catch (IllegalArgumentException e) {
          valid = false;
        }
      }
      if (!valid) {
        valid = idna2008Label(label).isPresent();
      }
      if (!valid) {
        throw new IllegalArgumentException("domain label \"" + label + "\" is not valid punycode, in \""
            + escape(domain) + "\"");
      }
    }
  }

  private static void checkAddressLiteral(String domain) {
    if (!isLiteral(domain)) {
      throw new IllegalArgumentException("domain literal must be enclosed in [ and ], was \"" + escape(domain) + "\"");
    }
    String inner = domain.substring(1, domain.length() - 1);
    boolean ok = inner.regionMatches(true, 0, "IPv6:", 0, 5) ? isIpv6(inner.substring(5)) : isIpv4(inner);
    if (!ok) {
      throw new IllegalArgumentException(
          "domain literal must be an IPv4 address like [192.0.2.1] or an IPv6 address like [IPv6:2001:db8::1], was \""
              + escape(domain) + "\"");
    }
  }

  private static boolean isLiteral(String domain) {
    return domain.length() >= 2 && domain.startsWith("[") && domain.endsWith("]");
  }

  static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  static boolean isIpv6(String s) {
    String head = s;
    int groups = 0;
    int lastColon = s.lastIndexOf(':');
    if (lastColon < 0) {
      return false;
    }
    String tail = s.substring(lastColon + 1);
    if (tail.indexOf('.') >= 0) {
      // An embedded IPv4 address counts as two groups.
      if (!isIpv4(tail)) {
        return false;
      }
      groups = 2;
      head = s.substring(0, lastColon + 1);
      if (!head.endsWith("::")) {
        head = head.substring(0, head.length() - 1);
      }
    }
    int gap = head.indexOf("::");
    if (gap >= 0 && head.indexOf("::", gap + 1) >= 0) {
      return false;
    }
    int left = countGroups(gap >= 0 ? head.substring(0, gap) : head);
    int right = countGroups(gap >= 0 ? head.substring(gap + 2) : "");
    if (left < 0 || right < 0) {
      return false;
    }
    groups += left + right;
    return gap >= 0 ? groups <= 7 : groups == 8;
  }

  /** Number of hex groups in a colon-separated list; -1 when malformed; 0 for the empty string. */
  private static int countGroups(String s) {
    if (s.isEmpty()) {
      return 0;
    }
    String[] groups = s.split(":", -1);
    for (String g : groups) {
      if (g.isEmpty() || g.length() > 4 || !g.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 0x80)) {
        return -1;
      }
    }
    return groups.length;
  }

  // ---------------------------------------------------------------- helpers

  static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  static String codePoint(int cp) {
    return String.format(Locale.ROOT, "U+%04X", cp);
  }

  /**
   * {@code s} with controls made visible ({@code \r}, {@code \n}, {@code \0}, {@code \t},
   * {@code \}{@code uXXXX}) for an exception message, cut after 200 characters.
   */
  static String escape(String s) {
    int limit = Math.min(s.length(), 200);
    StringBuilder sb = new StringBuilder(limit + 8);
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\r' -> sb.append("\\r");
        case '\n' -> sb.append("\\n");
        case '\0' -> sb.append("\\0");
        case '\t' -> sb.append("\\t");
        default -> {
          if (Character.isISOControl(c) || (Character.isSurrogate(c) && !validSurrogateAt(s, i))) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    if (limit < s.length()) {
      sb.append("...(").append(s.length()).append(" chars)");
    }
    return sb.toString();
  }

  private static boolean validSurrogateAt(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
