package dev.satchel.mail;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/**
 * An email address (RFC 5322 addr-spec) with an optional display name.
 *
 * <p>Local parts may be dot-atoms ({@code alice.smith}), quoted strings ({@code "john doe"}) or UTF-8
 * (RFC 6532); domains may be ASCII, Unicode ({@code bücher.example}) or punycode
 * ({@code xn--bcher-kva.example}), and are kept as given. {@link #toString()} gives the full mailbox
 * form, which {@link #parse(String)} turns back into an equal value.
 *
 * <pre>{@code
 * EmailAddress a = EmailAddress.parse("\"Smith, Alice\" <alice@example.com>");
 * a.displayName(); // Optional[Smith, Alice]
 * a.address();     // alice@example.com
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param localPart the part before the {@code @}, unquoted (a quoted local part is stored without its
 *     quotes and escapes)
 * @param domain the domain as given (Unicode or ASCII)
 * @param displayName the display name, unquoted, when there is one
 */
public record EmailAddress(String localPart, String domain, Optional<String> displayName) {
  private static final int MAX_LOCAL = 64;
  private static final int MAX_DOMAIN = 255;
  private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

  /**
   * Validates the parts.
   *
   * @throws IllegalArgumentException naming the part that is wrong and its value
   */
  public EmailAddress {
    checkLocalPart(localPart);
    checkDomain(domain);
    if (displayName.isPresent()) {
      String dn = displayName.get();
      for (int i = 0; i < dn.length(); i++) {
        char c = dn.charAt(i);
        if (c == '\r' || c == '\n' || c == '\0') {
          throw new IllegalArgumentException("display name must not contain CR, LF or NUL, was \"" + escape(dn) + "\"");
        }
      }
      if (dn.isBlank()) {
        displayName = Optional.empty();
      }
    }
  }

  /**
   * Parses a mailbox: {@code alice@example.com}, {@code <alice@example.com>},
   * {@code Alice <alice@example.com>} or {@code "Smith, Alice" <alice@example.com>}.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code text}
   */
  public static EmailAddress parse(String text) {
    return new AddressParser(text).parseMailbox();
  }

  /** Like {@link #parse(String)}, but empty instead of throwing. */
  public static Optional<EmailAddress> tryParse(String text) {
    try {
      return Optional.of(parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * An address without display name from its addr-spec, for example {@code alice@example.com}.
   *
   * @throws IllegalArgumentException when {@code address} is not a valid addr-spec
   */
  public static EmailAddress of(String address) {
    EmailAddress a = parse(address);
    if (a.displayName.isPresent() || address.strip().startsWith("<")) {
      return new EmailAddress(a.localPart, a.domain, Optional.empty());
    }
    return a;
  }

  /**
   * An address with a display name.
   *
   * @throws IllegalArgumentException when {@code address} is not a valid addr-spec or the name holds CR/LF/NUL
   */
  public static EmailAddress of(String displayName, String address) {
    EmailAddress a = of(address);
    return new EmailAddress(a.localPart, a.domain, Optional.of(displayName));
  }

  /** The same address with another display name. */
  public EmailAddress withDisplayName(String name) {
    return new EmailAddress(localPart, domain, Optional.of(name));
  }

  /** The addr-spec, {@code local@domain}, with the local part quoted where RFC 5322 requires it. */
  public String address() {
    return quoteLocalPartIfNeeded(localPart) + "@" + domain;
  }

  /** The domain in ASCII (punycode) form, for DNS and for servers without SMTPUTF8. */
  public String asciiDomain() {
    return IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
  }

  /** The domain in Unicode form. */
  public String unicodeDomain() {
    return IDN.toUnicode(domain, IDN.ALLOW_UNASSIGNED);
  }

  /** The addr-spec with an ASCII domain; the local part may still be UTF-8. */
  public String asciiAddress() {
    return quoteLocalPartIfNeeded(localPart) + "@" + asciiDomain();
  }

  /** True when the local part holds non-ASCII characters, so sending needs SMTPUTF8 (RFC 6531). */
  public boolean needsSmtpUtf8() {
    return !isAscii(localPart);
  }

  /**
   * The full mailbox form: {@code "Display Name" <local@domain>}, or just the addr-spec when there is
   * no display name. Parses back to an equal value.
   */
  @Override
  public String toString() {
    if (displayName.isEmpty()) {
      return address();
    }
    return quoteDisplayName(displayName.get()) + " <" + address() + ">";
  }

  static String quoteDisplayName(String name) {
    boolean plain = !name.isEmpty() && !name.startsWith(" ") && !name.endsWith(" ") && !name.contains("  ");
    for (int i = 0; plain && i < name.length(); i++) {
      char c = name.charAt(i);
      plain = c == ' ' || isAtext(c) || c >= 0x80;
    }
    if (plain) {
      return name;
    }
    return quote(name);
  }

  static String quoteLocalPartIfNeeded(String local) {
    return isDotAtom(local) ? local : quote(local);
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

  static boolean isDotAtom(String s) {
    if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '.' && !isAtext(c) && c < 0x80) {
        return false;
      }
    }
    return true;
  }

  static boolean isAtext(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ATEXT_SPECIALS.indexOf(c) >= 0;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static void checkLocalPart(String local) {
    if (local.isEmpty()) {
      throw new IllegalArgumentException("local part must not be empty");
    }
    if (local.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LOCAL) {
      throw new IllegalArgumentException("local part must be at most 64 octets, was \"" + escape(local) + "\"");
    }
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      if (c < 0x20 || c == 0x7F || (c >= 0x80 && Character.isISOControl(c))) {
        throw new IllegalArgumentException("local part must not contain control characters, was \"" + escape(local) + "\"");
      }
      if (Character.isSurrogate(c)) {
        boolean paired = Character.isHighSurrogate(c) && i + 1 < local.length() && Character.isLowSurrogate(local.charAt(i + 1));
        if (!paired) {
          throw new IllegalArgumentException("local part contains an unpaired surrogate, was \"" + escape(local) + "\"");
        }
        i++;
      }
    }
  }

  private static void checkDomain(String domain) {
    if (domain.isEmpty()) {
      throw new IllegalArgumentException("domain must not be empty");
    }
    if (domain.startsWith("[")) {
      if (!domain.endsWith("]") || domain.length() < 3) {
        throw new IllegalArgumentException("domain literal must be [ ... ], was \"" + escape(domain) + "\"");
      }
      String inner = domain.substring(1, domain.length() - 1);
      for (int i = 0; i < inner.length(); i++) {
        char c = inner.charAt(i);
        if (c < 33 || c > 126 || c == '[' || c == ']' || c == '\\') {
          throw new IllegalArgumentException("domain literal holds an invalid character, was \"" + escape(domain) + "\"");
        }
      }
      return;
    }
    String ascii;
    try {
      ascii = IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED | IDN.USE_STD3_ASCII_RULES);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("domain is not a valid host name, was \"" + escape(domain) + "\": " + e.getMessage(), e);
    }
    if (ascii.isEmpty() || ascii.length() > MAX_DOMAIN - 2) {
      throw new IllegalArgumentException("domain must be 1..253 characters in ASCII form, was \"" + escape(domain) + "\"");
    }
    if (ascii.startsWith(".") || ascii.endsWith(".") || ascii.contains("..")) {
      throw new IllegalArgumentException("domain must not have empty labels, was \"" + escape(domain) + "\"");
    }
    for (String label : ascii.split("\\.")) {
      if (label.length() > 63) {
        throw new IllegalArgumentException("domain label must be at most 63 characters, was \"" + escape(label) + "\" in \"" + escape(domain) + "\"");
      }
      if (label.startsWith("-") || label.endsWith("-")) {
        throw new IllegalArgumentException("domain label must not start or end with '-', was \"" + escape(label) + "\" in \"" + escape(domain) + "\"");
      }
    }
    if (!ascii.toLowerCase(Locale.ROOT).equals(ascii.toLowerCase(Locale.ROOT).strip())) {
      throw new IllegalArgumentException("domain must not contain spaces, was \"" + escape(domain) + "\"");
    }
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\r' -> sb.append("\\r");
        case '\n' -> sb.append("\\n");
        case '\0' -> sb.append("\\0");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7F) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
