package dev.satchel.mail.imap;

import dev.satchel.mail.EmailAddress;
import jakarta.mail.internet.InternetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Converts ENVELOPE addresses to {@link EmailAddress} values for one listing, remembering each distinct
 * (display name, address) pair so that an address seen on many messages is validated once.
 *
 * <p>Plain addresses (an ASCII dot-atom local part and a host name of letters, digits, '-' and '.')
 * skip the RFC 5322 parser and go straight to {@link EmailAddress}'s validating constructor, which gives
 * the same value {@link EmailAddress#of(String, String)} would; everything else goes through
 * {@code EmailAddress.of}. Bounded: it forgets everything after {@value #MAX_ENTRIES} entries. Not
 * thread-safe.
 */
final class AddressCache {
  static final int MAX_ENTRIES = 4096;

  /** Marks a pair that did not validate, so that it is dropped again without parsing. */
  private static final Object INVALID = new Object();

  private final Map<String, Object> known = new HashMap<>();

  /** The address, or null when it is not valid (a listing drops such addresses). */
  @Nullable EmailAddress convert(InternetAddress a, String addr) {
    String personal = a.getPersonal();
    return convert(personal == null ? "" : personal, addr);
  }

  /** The address {@code addr} with display name {@code name} (may be empty), or null when it is not valid. */
  @Nullable EmailAddress convert(String name, String addr) {
    String key = name + '\u0000' + addr;
    Object hit = known.get(key);
    if (hit instanceof EmailAddress e) {
      return e;
    }
    if (hit == INVALID) {
      return null;
    }
    EmailAddress made;
    try {
      made = make(name, addr);
    } catch (IllegalArgumentException bad) {
      made = null;
    }
    if (known.size() >= MAX_ENTRIES) {
      known.clear();
    }
    known.put(key, made == null ? INVALID : made);
    return made;
  }

  private static EmailAddress make(String name, String addr) {
    int at = addr.lastIndexOf('@');
    if (at > 0 && isPlainLocal(addr, at) && isPlainHost(addr, at + 1)) {
      return new EmailAddress(addr.substring(0, at), addr.substring(at + 1),
          name.isBlank() ? Optional.empty() : Optional.of(name));
    }
    return name.isBlank() ? EmailAddress.of(addr) : EmailAddress.of(name, addr);
  }

  /** An ASCII dot-atom of letters, digits and {@code . _ + -}: no quoting, no leading, trailing or double dot. */
  static boolean isPlainLocal(String s, int end) {
    char prev = '.';
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      boolean word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '+'
          || c == '-';
      if (!word && !(c == '.' && prev != '.')) {
        return false;
      }
      prev = c;
    }
    return prev != '.';
  }

  /** A host name of ASCII letters, digits, '-' and '.' (the constructor checks labels and lengths). */
  static boolean isPlainHost(String s, int from) {
    if (from >= s.length()) {
      return false;
    }
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
        return false;
      }
    }
    return true;
  }
}
