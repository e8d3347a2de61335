package dev.satchel.mail.imap;

import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Envelope;
import dev.satchel.mail.Flag;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Uid;
import dev.satchel.mail.imap.engine.ImapResponse;
import dev.satchel.mail.imap.engine.ImapValue;
import dev.satchel.mail.internal.HeaderWords;
import dev.satchel.mail.internal.MimeDates;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns FETCH responses read by Satchel's own engine into the message model: UID, FLAGS,
 * RFC822.SIZE, INTERNALDATE and ENVELOPE (RFC 3501 section 7.4.2), leniently (invalid addresses are
 * dropped, as the Angus path does) and with every oddity kept as a problem.
 */
final class EngineFetch {
  private static final DateTimeFormatter INTERNALDATE = DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", Locale.ROOT);

  private EngineFetch() {}

  /** The items of a {@code * n FETCH (...)} response, or null when it is not one. */
  static ImapValue.@Nullable ListValue fetchItems(ImapResponse r) {
    if (r.kind() == ImapResponse.Kind.UNTAGGED && r.items().size() == 3 && r.item(1) instanceof ImapValue.Atom verb
        && verb.is("FETCH") && r.item(2) instanceof ImapValue.ListValue items) {
      return items;
    }
    return null;
  }

  /** The value after {@code name} in a FETCH item list, or null. */
  static @Nullable ImapValue item(ImapValue.ListValue items, String name) {
    List<ImapValue> l = items.items();
    for (int i = 0; i + 1 < l.size(); i += 2) {
      if (l.get(i) instanceof ImapValue.Atom a && a.is(name)) {
        return l.get(i + 1);
      }
    }
    return null;
  }

  /** The UID in a FETCH item list, or -1. */
  static long uid(ImapValue.ListValue items) {
    return item(items, "UID") instanceof ImapValue.Atom a ? a.number() : -1;
  }

  /** A summary from a FETCH item list with UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE. */
  static MessageSummary summary(ImapValue.ListValue items, long uidValidity, AddressCache cache, @Nullable String rawProblem) {
    List<String> problems = new ArrayList<>();
    if (rawProblem != null) {
      problems.add("the server's FETCH answer could not be read completely: " + rawProblem);
    }
    Set<Flag> flags = EnumSet.noneOf(Flag.class);
    Set<String> keywords = new HashSet<>();
    if (item(items, "FLAGS") instanceof ImapValue.ListValue fl) {
      for (ImapValue v : fl.items()) {
        if (v instanceof ImapValue.Atom a) {
          Flag f = systemFlag(a.text());
          if (f != null) {
            flags.add(f);
          } else if (!a.text().startsWith("\\")) {
            keywords.add(a.text());
          }
        }
      }
    }
    long size = item(items, "RFC822.SIZE") instanceof ImapValue.Atom s ? s.number() : -1;
    if (size < 0) {
      problems.add("no RFC822.SIZE in the server's answer");
      size = 0;
    }
    Optional<Instant> internal = Optional.empty();
    if (item(items, "INTERNALDATE") instanceof ImapValue.Str d) {
      Instant fast = internalDate(d.text().strip());
      if (fast != null) {
        internal = Optional.of(fast);
      } else {
        try {
          internal = Optional.of(ZonedDateTime.parse(d.text().strip(), INTERNALDATE).toInstant());
        } catch (DateTimeParseException e) {
          problems.add("INTERNALDATE \"" + d.text() + "\" could not be read");
        }
      }
    }
    Envelope envelope = item(items, "ENVELOPE") instanceof ImapValue.ListValue e ? envelope(e, cache, problems)
        : Imap.emptyEnvelope();
    return new MessageSummary(new Uid.Imap(uidValidity, uid(items)), flags, keywords, size, internal, envelope, problems);
  }

  private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
      "dec"};

  /**
   * RFC 3501's {@code date-time} ({@code " 4-Dec-2026 21:05:56 +0000"}, day space-padded or not) read
   * without a formatter, as listings read one per message; null when it is not exactly that form (the
   * formatter then decides).
   */
  static @Nullable Instant internalDate(String t) {
    // d-MMM-yyyy HH:mm:ss +zzzz, with a one- or two-digit day
    int dash = t.indexOf('-');
    if (dash < 1 || dash > 2 || t.length() != dash + 24) {
      return null;
    }
    try {
      int day = Integer.parseInt(t.substring(0, dash));
      String mon = t.substring(dash + 1, dash + 4).toLowerCase(Locale.ROOT);
      int month = java.util.Arrays.asList(MONTHS).indexOf(mon) + 1;
      int at = dash + 4;
      if (month == 0 || t.charAt(at) != '-' || t.charAt(at + 5) != ' ' || t.charAt(at + 8) != ':'
          || t.charAt(at + 11) != ':' || t.charAt(at + 14) != ' ') {
        return null;
      }
      int year = Integer.parseInt(t.substring(at + 1, at + 5));
      int hour = Integer.parseInt(t.substring(at + 6, at + 8));
      int minute = Integer.parseInt(t.substring(at + 9, at + 11));
      int second = Integer.parseInt(t.substring(at + 12, at + 14));
      char sign = t.charAt(at + 15);
      int zh = Integer.parseInt(t.substring(at + 16, at + 18));
      int zm = Integer.parseInt(t.substring(at + 18, at + 20));
      if ((sign != '+' && sign != '-') || zh > 18 || zm > 59) {
        return null;
      }
      int offset = (sign == '-' ? -1 : 1) * (zh * 3600 + zm * 60);
      return java.time.LocalDateTime.of(year, month, day, hour, minute, second)
          .toInstant(java.time.ZoneOffset.ofTotalSeconds(offset));
    } catch (NumberFormatException | java.time.DateTimeException e) {
      return null;
    }
  }

  private static @Nullable Flag systemFlag(String atom) {
    return Imap.systemFlag(atom);
  }


  /** ENVELOPE: (date subject from sender reply-to to cc bcc in-reply-to message-id). */
  static Envelope envelope(ImapValue.ListValue e, AddressCache cache, List<String> problems) {
    List<ImapValue> f = e.items();
    if (f.size() < 10) {
      problems.add("ENVELOPE has " + f.size() + " fields instead of 10");
      return Imap.emptyEnvelope();
    }
    String dateText = text(f.get(0));
    Optional<OffsetDateTime> date = dateText == null ? Optional.empty() : MimeDates.parse(dateText);
    if (dateText != null && date.isEmpty()) {
      problems.add("Date \"" + shorten(dateText) + "\" could not be read");
    }
    String subject = text(f.get(1));
    List<EmailAddress> sender = addresses(f.get(3), cache);
    return new Envelope(subject == null ? "" : HeaderWords.decode(subject), addresses(f.get(2), cache),
        sender.stream().findFirst(), addresses(f.get(4), cache), addresses(f.get(5), cache), addresses(f.get(6), cache),
        addresses(f.get(7), cache), date, Optional.ofNullable(text(f.get(9))), Optional.ofNullable(text(f.get(8))));
  }

  /** An address list ((name adl mailbox host) ...), groups flattened away, invalid addresses dropped. */
  static List<EmailAddress> addresses(ImapValue v, AddressCache cache) {
    if (!(v instanceof ImapValue.ListValue list)) {
      return List.of();
    }
    List<EmailAddress> out = new ArrayList<>(list.items().size());
    for (ImapValue a : list.items()) {
      if (!(a instanceof ImapValue.ListValue parts) || parts.items().size() < 4) {
        continue;
      }
      String mailbox = text(parts.items().get(2));
      String host = text(parts.items().get(3));
      if (mailbox == null || host == null) {
        continue; // group start or end marker (RFC 3501: host NIL)
      }
      String name = text(parts.items().get(0));
      EmailAddress e = cache.convert(name == null ? "" : HeaderWords.decode(name), mailbox + "@" + host);
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * A string item as text, or null for NIL and anything else: UTF-8 when the bytes are valid UTF-8
   * (IMAP4rev2, UTF8=ACCEPT, or raw 8-bit headers passed through), else ISO-8859-1 (raw Latin-1
   * headers), as the Angus path reads them.
   */
  static @Nullable String text(ImapValue v) {
    if (v instanceof ImapValue.Str s) {
      byte[] b = s.bytes();
      boolean ascii = true;
      for (byte x : b) {
        if (x < 0) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        return new String(b, StandardCharsets.ISO_8859_1); // one copy into a compact string
      }
      try {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(s.bytes())).toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        return new String(s.bytes(), StandardCharsets.ISO_8859_1);
      }
    }
    if (v instanceof ImapValue.Atom a && !a.is("NIL")) {
      return a.text();
    }
    return null;
  }

  private static String shorten(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
