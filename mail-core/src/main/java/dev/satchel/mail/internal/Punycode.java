package dev.satchel.mail.internal;

import java.util.Optional;

/**
 * Punycode (RFC 3492) for one domain label, without the {@code xn--} prefix. The JDK's
 * {@link java.net.IDN} implements IDNA 2003 only, which maps {@code ß} to {@code ss} and {@code ς}
 * to {@code σ}; IDNA 2008 (what registries such as DENIC and today's browsers use) keeps them, so
 * {@code faß.de} is {@code xn--fa-hia.de}, a different domain from {@code fass.de}. Satchel encodes
 * such labels with this class.
 */
public final class Punycode {
  private static final int BASE = 36;
  private static final int TMIN = 1;
  private static final int TMAX = 26;
  private static final int SKEW = 38;
  private static final int DAMP = 700;
  private static final int INITIAL_BIAS = 72;
  private static final int INITIAL_N = 0x80;

  private Punycode() {}

  /**
   * Encodes a label's code points.
   *
   * @throws IllegalArgumentException when the label is too long to encode (an overflow)
   */
  public static String encode(String label) {
    int[] cps = label.codePoints().toArray();
    StringBuilder out = new StringBuilder(label.length() + 8);
    for (int cp : cps) {
      if (cp < 0x80) {
        out.append((char) cp);
      }
    }
    int basic = out.length();
    int handled = basic;
    if (basic > 0) {
      out.append('-');
    }
    int n = INITIAL_N;
    long delta = 0;
    int bias = INITIAL_BIAS;
    while (handled < cps.length) {
      int m = Integer.MAX_VALUE;
      for (int cp : cps) {
        if (cp >= n && cp < m) {
          m = cp;
        }
      }
      delta += (long) (m - n) * (handled + 1);
      if (delta > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("label too long for punycode: \"" + label + "\"");
      }
      n = m;
      for (int cp : cps) {
        if (cp < n) {
          delta++;
        } else if (cp == n) {
          long q = delta;
          for (int k = BASE; ; k += BASE) {
            int t = k <= bias ? TMIN : Math.min(k - bias, TMAX);
            if (q < t) {
              break;
            }
            out.append(digit((int) (t + (q - t) % (BASE - t))));
            q = (q - t) / (BASE - t);
          }
          out.append(digit((int) q));
          bias = adapt(delta, handled + 1, handled == basic);
          delta = 0;
          handled++;
        }
      }
      delta++;
      n++;
    }
    return out.toString();
  }

  /** Decodes a label's punycode (without {@code xn--}); empty when it is not valid punycode. */
  public static Optional<String> decode(String encoded) {
    int lastDash = encoded.lastIndexOf('-');
    StringBuilder out = new StringBuilder();
    for (int j = 0; j < Math.max(0, lastDash); j++) {
      char c = encoded.charAt(j);
      if (c >= 0x80) {
        return Optional.empty();
      }
      out.append(c);
    }
    int[] cps = out.codePoints().toArray();
    int[] result = java.util.Arrays.copyOf(cps, Math.max(16, cps.length + encoded.length()));
    int size = cps.length;
    int n = INITIAL_N;
    int bias = INITIAL_BIAS;
    long i = 0;
    int in = lastDash > 0 ? lastDash + 1 : 0;
    while (in < encoded.length()) {
      long oldi = i;
      long w = 1;
      for (int k = BASE; ; k += BASE) {
        if (in >= encoded.length()) {
          return Optional.empty();
        }
        int digit = value(encoded.charAt(in++));
        if (digit < 0) {
          return Optional.empty();
        }
        i += digit * w;
        int t = k <= bias ? TMIN : Math.min(k - bias, TMAX);
        if (i > Integer.MAX_VALUE) {
          return Optional.empty();
        }
        if (digit < t) {
          break;
        }
        w *= BASE - t;
        if (w > Integer.MAX_VALUE) {
          return Optional.empty();
        }
      }
      bias = adapt(i - oldi, size + 1, oldi == 0);
      n += (int) (i / (size + 1));
      if (n > Character.MAX_CODE_POINT || (n >= Character.MIN_SURROGATE && n <= Character.MAX_SURROGATE)) {
        return Optional.empty();
      }
      i %= size + 1;
      if (size == result.length) {
        result = java.util.Arrays.copyOf(result, size * 2);
      }
      System.arraycopy(result, (int) i, result, (int) i + 1, size - (int) i);
      result[(int) i] = n;
      size++;
      i++;
    }
    return Optional.of(new String(result, 0, size));
  }

  private static int adapt(long delta, int points, boolean first) {
    delta = first ? delta / DAMP : delta / 2;
    delta += delta / points;
    int k = 0;
    while (delta > ((BASE - TMIN) * TMAX) / 2) {
      delta /= BASE - TMIN;
      k += BASE;
    }
    return (int) (k + (BASE - TMIN + 1) * delta / (delta + SKEW));
  }

  private static char digit(int d) {
    return (char) (d < 26 ? 'a' + d : '0' + d - 26);
  }

  private static int value(char c) {
    if (c >= 'a' && c <= 'z') {
      return c - 'a';
    }
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 26;
    }
    return -1;
  }
}
