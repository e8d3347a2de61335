package dev.satchel.mail.internal;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 5322 dates: written in the canonical form, read leniently (obsolete zones, 2-digit years,
 * comments). Internal; thread-safe.
 */
public final class MimeDates {
  private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.ROOT);
  private static final Pattern DATE = Pattern.compile(
      "(?:[A-Za-z]+\\s*,?\\s*)?(\\d{1,2})[\\s-]+([A-Za-z]{3})[A-Za-z]*\\.?[\\s-]+(\\d{2,4})\\s+(\\d{1,2}):(\\d{1,2})(?::(\\d{1,2}))?"
          + "(?:\\.\\d+)?\\s*([+-]\\d{4}|[+-]\\d{2}:?\\d{2}|[A-Za-z]{1,5})?.*",
      Pattern.DOTALL);
  private static final Map<String, Integer> MONTHS = Map.ofEntries(
      Map.entry("jan", 1), Map.entry("feb", 2), Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5),
      Map.entry("jun", 6), Map.entry("jul", 7), Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10),
      Map.entry("nov", 11), Map.entry("dec", 12));
  private static final Map<String, Integer> ZONES = Map.of(
      "ut", 0, "gmt", 0, "z", 0, "utc", 0, "est", -5, "edt", -4, "cst", -6, "cdt", -5, "mst", -7, "mdt", -6);

  private static final Pattern COMMENT = Pattern.compile("\\([^)]*\\)");

  private MimeDates() {}

  /** The Date header value for {@code date}, for example {@code Tue, 3 Jun 2025 11:05:30 +0200}. */
  static String format(OffsetDateTime date) {
    return FORMAT.format(date);
  }

  /**
   * Parses a Date header value, keeping its UTC offset; empty when it is no recognisable date. Also
   * used by protocol modules for dates the server quotes (the date of an IMAP ENVELOPE).
   */
  public static Optional<OffsetDateTime> parse(String value) {
    // comments such as "(UTC)" are dropped; the pattern is compiled once (listings parse one date per message)
    String v = (value.indexOf('(') < 0 ? value : COMMENT.matcher(value).replaceAll(" ")).strip();
    Matcher m = DATE.matcher(v);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      int day = Integer.parseInt(m.group(1));
      Integer month = MONTHS.get(m.group(2).toLowerCase(Locale.ROOT));
      if (month == null) {
        return Optional.empty();
      }
      int year = Integer.parseInt(m.group(3));
      if (m.group(3).length() == 2) {
        year += year < 50 ? 2000 : 1900;
      } else if (m.group(3).length() == 3) {
        year += 1900;
      }
      int hour = Integer.parseInt(m.group(4));
      int minute = Integer.parseInt(m.group(5));
      int second = m.group(6) == null ? 0 : Math.min(59, Integer.parseInt(m.group(6)));
      return Optional.of(OffsetDateTime.of(year, month, day, hour, minute, second, 0, zone(m.group(7))));
    } catch (DateTimeException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static ZoneOffset zone(String z) {
    if (z == null) {
      return ZoneOffset.UTC;
    }
    if (z.startsWith("+") || z.startsWith("-")) {
      String digits = z.replace(":", "");
      int sign = z.startsWith("-") ? -1 : 1;
      int hours = Integer.parseInt(digits.substring(1, 3));
      int minutes = Integer.parseInt(digits.substring(3, 5));
      if (hours > 18 || minutes > 59) {
        return ZoneOffset.UTC;
      }
      return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
    }
    String l = z.toLowerCase(Locale.ROOT);
    if (l.equals("pst")) {
      return ZoneOffset.ofHours(-8);
    }
    if (l.equals("pdt")) {
      return ZoneOffset.ofHours(-7);
    }
    Integer h = ZONES.get(l);
    return ZoneOffset.ofHours(h == null ? 0 : h); // RFC 5322 4.3: other zones mean -0000
  }
}
