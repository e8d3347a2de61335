package dev.satchel.mail.providers;

import dev.satchel.mail.EmailAddress;
import java.util.Locale;

/** Thunderbird's {@code %EMAILADDRESS%}, {@code %EMAILLOCALPART%} and {@code %EMAILDOMAIN%}. */
final class Placeholders {
  static final String ADDRESS = "%EMAILADDRESS%";
  static final String LOCAL_PART = "%EMAILLOCALPART%";
  static final String DOMAIN = "%EMAILDOMAIN%";

  private Placeholders() {}

  /** Rejects blank values, whitespace, control characters and unknown placeholders. */
  static void check(String what, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException(what + " must not contain whitespace or control characters, was \"" + value + "\"");
      }
    }
    String rest = value.replace(ADDRESS, "").replace(LOCAL_PART, "").replace(DOMAIN, "");
    if (rest.contains("%")) {
      throw new IllegalArgumentException(what + " holds an unknown placeholder (known: " + ADDRESS + ", " + LOCAL_PART
          + ", " + DOMAIN + "), was \"" + value + "\"");
    }
  }

  /**
   * Expands the placeholders: the address as given, its local part, and its domain in lower-case
   * ASCII (punycode) form, which is what host names need.
   */
  static String expand(String template, EmailAddress address) {
    String domain = address.asciiDomain().toLowerCase(Locale.ROOT);
    return template
        .replace(ADDRESS, address.address())
        .replace(LOCAL_PART, address.localPart())
        .replace(DOMAIN, domain);
  }
}
