package dev.satchel.mail.cli;

import dev.satchel.mail.Quota;
import java.util.Locale;

/** Human-readable sizes and quota lines. */
final class Units {
  private Units() {}

  /** {@code 512 B}, {@code 1.5 KiB}, {@code 2.0 MiB}... */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = n;
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }

  /** One quota resource: IMAP reports STORAGE in KiB and MESSAGE as a count. */
  static String resource(Quota.Resource r) {
    if (r.name().equalsIgnoreCase("STORAGE")) {
      String line = "storage " + bytes(r.usage() * 1024) + " used of " + bytes(r.limit() * 1024);
      return r.limit() > 0 ? line + String.format(Locale.ROOT, " (%d%%)", r.usage() * 100 / r.limit()) : line;
    }
    return r.name().toLowerCase(Locale.ROOT) + " " + r.usage() + " of " + r.limit();
  }
}
