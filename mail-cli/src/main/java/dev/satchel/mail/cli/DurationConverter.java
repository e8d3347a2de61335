package dev.satchel.mail.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** Parses durations such as {@code 10s}, {@code 500ms}, {@code 2m} or a plain number of seconds. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (v.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else if (v.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      } else if (v.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      } else {
        d = Duration.ofSeconds(Long.parseLong(v));
      }
      if (d.isZero() || d.isNegative() || d.compareTo(Duration.ofDays(1)) > 0) {
        throw new CommandLine.TypeConversionException("duration must be positive and at most 1 day, was \"" + value + "\"");
      }
      return d;
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException("invalid duration \"" + value + "\": use for example 10s, 500ms or 2m");
    }
  }
}
