package dev.satchel.mail.providers;

import dev.satchel.mail.EmailAddress;
import java.net.IDN;
import java.util.Locale;
import java.util.Set;

/** Domain normalisation: one key for Unicode, punycode and any letter case. */
final class Domains {
  /**
   * Second-level labels under which registrations happen one level deeper (co.uk, com.au, ne.jp ...).
   * A small stand-in for the Public Suffix List, enough to find a mail host's base domain.
   */
  private static final Set<String> SECOND_LEVEL = Set.of(
      "co", "com", "net", "org", "ne", "or", "ac", "go", "gov", "edu", "ad", "gr", "lg", "ed");

  private Domains() {}

  /**
   * The lower-case ASCII (punycode) form of a domain; a trailing dot is dropped.
   *
   * @throws IllegalArgumentException naming the value when it is not a valid domain
   */
  static String normalize(String domain) {
    String d = domain.strip();
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.isEmpty() || d.contains("@")) {
      throw new IllegalArgumentException("not a domain: \"" + domain + "\"");
    }
    String ascii;
    try {
      ascii = IDN.toASCII(d, IDN.ALLOW_UNASSIGNED | IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a valid domain: \"" + domain + "\" (" + e.getMessage() + ")", e);
    }
    if (ascii.isEmpty() || ascii.startsWith(".") || ascii.contains("..") || ascii.length() > 253) {
      throw new IllegalArgumentException("not a valid domain: \"" + domain + "\"");
    }
    return ascii;
  }

  /**
   * The normalised domain of an address ({@code alice@Example.COM}) or of a bare domain.
   *
   * @throws IllegalArgumentException when neither parses
   */
  static String ofAddressOrDomain(String addressOrDomain) {
    if (addressOrDomain.indexOf('@') >= 0) {
      return normalize(EmailAddress.of(addressOrDomain.strip()).domain());
    }
    return normalize(addressOrDomain);
  }

  /** True when {@code host} is {@code domain} or a subdomain of it (both normalised). */
  static boolean isWithin(String host, String domain) {
    return host.equals(domain) || host.endsWith("." + domain);
  }

  /** {@code a.b.example.com} gives {@code b.example.com}; a two-label name gives itself. */
  static String parent(String host) {
    int dot = host.indexOf('.');
    String rest = dot < 0 ? host : host.substring(dot + 1);
    return rest.indexOf('.') < 0 ? host : rest;
  }

  /**
   * The registrable ("base") domain, approximately: the last two labels, or three when the
   * second-to-last is a common second-level label such as {@code co} in {@code example.co.uk}.
   */
  static String base(String host) {
    String[] labels = host.split("\\.");
    if (labels.length <= 2) {
      return host;
    }
    int n = labels.length;
    boolean deeper = labels[n - 1].length() == 2 && SECOND_LEVEL.contains(labels[n - 2]);
    int keep = deeper ? 3 : 2;
    return String.join(".", java.util.Arrays.asList(labels).subList(n - keep, n));
  }
}
