package dev.satchel.mail.imap;

import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Envelope;
import dev.satchel.mail.Flag;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Uid;
import dev.satchel.mail.internal.HeaderWords;
import dev.satchel.mail.internal.MimeDates;
import jakarta.mail.Flags;
import jakarta.mail.internet.InternetAddress;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.ENVELOPE;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.UID;
import org.eclipse.angus.mail.imap.protocol.UIDSet;
import org.jspecify.annotations.Nullable;

/** Raw IMAP command helpers and conversions between IMAP items and Satchel's model. */
final class Imap {
  /** The items one listing asks for, in one UID FETCH per batch. */
  static final String SUMMARY_ITEMS = "(UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE)";

  private Imap() {}

  /**
   * Runs one command, passes the untagged responses that are not FETCH data to Angus (so that its
   * view of EXISTS/EXPUNGE stays right), and throws when the tagged response is not OK.
   */
  static Response[] run(IMAPProtocol p, String command, @Nullable Argument args) throws ProtocolException {
    Response[] r = p.command(command, args);
    List<Response> other = new ArrayList<>();
    for (Response x : r) {
      if (x.isUnTagged() && !(x instanceof FetchResponse)) {
        other.add(x);
      }
    }
    if (!other.isEmpty()) {
      p.notifyResponseHandlers(other.toArray(new Response[0]));
    }
    p.handleResult(r[r.length - 1]);
    return r;
  }

  /** The numbers of every untagged {@code * SEARCH} response. */
  static long[] searchResult(Response[] responses) {
    long[] out = new long[16];
    int n = 0;
    for (Response r : responses) {
      if (r instanceof IMAPResponse ir && ir.isUnTagged() && ir.keyEquals("SEARCH")) {
        while (true) {
          long v = ir.readLong();
          if (v < 0) {
            break;
          }
          if (n == out.length) {
            out = java.util.Arrays.copyOf(out, n * 2);
          }
          out[n++] = v;
        }
      }
    }
    long[] res = java.util.Arrays.copyOf(out, n);
    java.util.Arrays.sort(res);
    return res;
  }

  /** The UIDs of every untagged {@code * VANISHED (EARLIER) uid-set} response (RFC 7162). */
  static Set<Long> vanishedEarlier(Response[] responses) {
    Set<Long> out = new java.util.HashSet<>();
    for (Response r : responses) {
      if (!(r instanceof IMAPResponse ir) || !ir.isUnTagged() || !ir.keyEquals("VANISHED")) {
        continue;
      }
      String s = r.toString().trim();
      int i = s.toUpperCase(Locale.ROOT).indexOf("(EARLIER)");
      if (i < 0) {
        continue;
      }
      long[] uids = UIDSet.toArray(UIDSet.parseUIDSets(s.substring(i + "(EARLIER)".length()).trim()));
      if (uids != null) {
        for (long u : uids) {
          out.add(u);
        }
      }
    }
    return out;
  }

  /** A compact UID set ({@code 1:5,7,9:12}) for sorted, distinct UIDs. */
  static String uidSet(long[] sortedUids) {
    return UIDSet.toString(UIDSet.createUIDSets(sortedUids));
  }

  /** The UID of a FETCH response, or -1. */
  static long uidOf(FetchResponse fr) {
    UID u = fr.getItem(UID.class);
    return u == null ? -1 : u.uid;
  }

  /** A summary from a FETCH response carrying {@link #SUMMARY_ITEMS}, or null when the UID is missing. */
  static @Nullable MessageSummary summary(FetchResponse fr, long uidValidity) {
    return summary(fr, uidValidity, new AddressCache());
  }

  /** As {@link #summary(FetchResponse, long)}, converting addresses through {@code cache} (one per listing). */
  static @Nullable MessageSummary summary(FetchResponse fr, long uidValidity, AddressCache cache) {
    long uid = uidOf(fr);
    if (uid < 1) {
      return null;
    }
    FLAGS flags = fr.getItem(FLAGS.class);
    RFC822SIZE size = fr.getItem(RFC822SIZE.class);
    INTERNALDATE date = fr.getItem(INTERNALDATE.class);
    ENVELOPE env = fr.getItem(ENVELOPE.class);
    Optional<Instant> internal = date == null || date.getDate() == null
        ? Optional.empty() : Optional.of(date.getDate().toInstant());
    return new MessageSummary(new Uid.Imap(uidValidity, uid), flags == null ? Set.of() : systemFlags(flags),
        flags == null ? Set.of() : keywords(flags), size == null ? 0 : size.size, internal,
        env == null ? emptyEnvelope() : envelope(env, envelopeDateText(fr.toString()), cache));
  }

  /**
   * The date string of the ENVELOPE item in a raw FETCH response, as the server sent it (Angus keeps
   * only a {@link java.util.Date}, which loses the sender's UTC offset); null when it is NIL or cannot
   * be found. The date is the first field of the envelope: a quoted string, a literal or NIL.
   */
  static @Nullable String envelopeDateText(String raw) {
    String key = "ENVELOPE (";
    int i = -1;
    for (int k = 1; k + key.length() <= raw.length(); k++) {
      char before = raw.charAt(k - 1);
      if ((before == ' ' || before == '(') && raw.regionMatches(true, k, key, 0, key.length())) {
        i = k;
        break;
      }
    }
    if (i <= 0) {
      return null;
    }
    int p = i + "ENVELOPE (".length();
    if (p >= raw.length()) {
      return null;
    }
    char c = raw.charAt(p);
    if (c == '"') {
      StringBuilder sb = new StringBuilder();
      for (int k = p + 1; k < raw.length(); k++) {
        char x = raw.charAt(k);
        if (x == '\\' && k + 1 < raw.length()) {
          sb.append(raw.charAt(++k));
        } else if (x == '"') {
          return sb.toString();
        } else {
          sb.append(x);
        }
      }
      return null;
    }
    if (c == '{') {
      int close = raw.indexOf('}', p);
      if (close < 0) {
        return null;
      }
      try {
        int n = Integer.parseInt(raw.substring(p + 1, close).replace("+", ""));
        int start = raw.indexOf('\n', close) + 1;
        return start <= 0 || start + n > raw.length() ? null : raw.substring(start, start + n);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  static Envelope emptyEnvelope() {
    return new Envelope("", List.of(), Optional.empty(), List.of(), List.of(), List.of(), List.of(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  /**
   * Converts an IMAP ENVELOPE, leniently: addresses that are not valid are dropped. The date keeps
   * the sender's UTC offset when {@code dateText} (the envelope's date string) parses; otherwise it
   * is Angus's reading of it, in UTC.
   */
  static Envelope envelope(ENVELOPE e, @Nullable String dateText) {
    return envelope(e, dateText, new AddressCache());
  }

  /** As {@link #envelope(ENVELOPE, String)}, converting addresses through {@code cache} (one per listing). */
  static Envelope envelope(ENVELOPE e, @Nullable String dateText, AddressCache cache) {
    Optional<OffsetDateTime> date = dateText == null ? Optional.empty() : MimeDates.parse(dateText);
    if (date.isEmpty() && e.date != null) {
      date = Optional.of(OffsetDateTime.ofInstant(e.date.toInstant(), ZoneOffset.UTC));
    }
    List<EmailAddress> sender = addresses(e.sender, cache);
    return new Envelope(decode(e.subject), addresses(e.from, cache), sender.stream().findFirst(),
        addresses(e.replyTo, cache), addresses(e.to, cache), addresses(e.cc, cache), addresses(e.bcc, cache), date,
        Optional.ofNullable(e.messageId),
        Optional.ofNullable(e.inReplyTo));
  }

  static String decode(@Nullable String text) {
    if (text == null) {
      return "";
    }
    return HeaderWords.decode(rawUtf8(text));
  }

  /**
   * Undoes Angus reading raw 8-bit UTF-8 header bytes as ISO-8859-1 (servers pass such headers through
   * unchanged): when every char fits in a byte and those bytes are valid UTF-8, decode them as UTF-8.
   */
  static String rawUtf8(String s) {
    boolean high = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > 0xFF) {
        return s;
      }
      high |= c >= 0x80;
    }
    if (!high) {
      return s;
    }
    byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    try {
      return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return s;
    }
  }

  static List<EmailAddress> addresses(InternetAddress @Nullable [] in) {
    return addresses(in, new AddressCache());
  }

  /** Converts addresses leniently (invalid ones and groups are dropped), through {@code cache}. */
  static List<EmailAddress> addresses(InternetAddress @Nullable [] in, AddressCache cache) {
    if (in == null || in.length == 0) {
      return List.of();
    }
    List<EmailAddress> out = new ArrayList<>(in.length);
    for (InternetAddress a : in) {
      String addr = a.getAddress();
      if (addr == null || a.isGroup()) {
        continue;
      }
      EmailAddress e = cache.convert(a, addr);
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  static Set<Flag> systemFlags(Flags f) {
    Set<Flag> out = EnumSet.noneOf(Flag.class);
    if (f.contains(Flags.Flag.SEEN)) {
      out.add(Flag.SEEN);
    }
    if (f.contains(Flags.Flag.ANSWERED)) {
      out.add(Flag.ANSWERED);
    }
    if (f.contains(Flags.Flag.FLAGGED)) {
      out.add(Flag.FLAGGED);
    }
    if (f.contains(Flags.Flag.DELETED)) {
      out.add(Flag.DELETED);
    }
    if (f.contains(Flags.Flag.DRAFT)) {
      out.add(Flag.DRAFT);
    }
    return out;
  }

  static Set<String> keywords(Flags f) {
    return Set.of(f.getUserFlags());
  }

  /** Flags and keywords as IMAP writes them ({@code \Seen}, {@code $Label}), for a sync state. */
  static Set<String> flagStrings(Flags f) {
    Set<String> out = new TreeSet<>();
    for (Flag s : systemFlags(f)) {
      out.add(imapName(s));
    }
    out.addAll(keywords(f));
    return out;
  }

  static Set<String> flagStrings(MessageSummary m) {
    Set<String> out = new TreeSet<>();
    for (Flag s : m.flags()) {
      out.add(imapName(s));
    }
    out.addAll(m.keywords());
    return out;
  }

  static String imapName(Flag f) {
    String n = f.name().toLowerCase(Locale.ROOT);
    return "\\" + Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }

  /** A parenthesized IMAP flag list for system flags. */
  static String flagList(Set<Flag> flags) {
    StringBuilder sb = new StringBuilder("(");
    for (Flag f : flags) {
      if (sb.length() > 1) {
        sb.append(' ');
      }
      sb.append(imapName(f));
    }
    return sb.append(')').toString();
  }

  /** A parenthesized IMAP flag list for keywords, each checked to be an atom. */
  static String keywordList(Set<String> keywords) {
    StringBuilder sb = new StringBuilder("(");
    for (String k : keywords) {
      checkKeyword(k);
      if (sb.length() > 1) {
        sb.append(' ');
      }
      sb.append(k);
    }
    return sb.append(')').toString();
  }

  static void checkKeyword(String k) {
    if (k.isEmpty() || k.startsWith("\\") || !k.chars().allMatch(c -> c > 32 && c < 127 && "(){%*\"\\]".indexOf(c) < 0)) {
      throw new IllegalArgumentException("keyword must be a non-empty IMAP atom without a leading backslash, was \""
          + escape(k) + "\"");
    }
  }

  /** Shows control characters visibly, for messages naming a bad value. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 32 || c == 127) {
        sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Jakarta {@link Flags} for Satchel flags. */
  static Flags jakartaFlags(Set<Flag> flags) {
    Flags f = new Flags();
    for (Flag x : flags) {
      f.add(switch (x) {
        case SEEN -> Flags.Flag.SEEN;
        case ANSWERED -> Flags.Flag.ANSWERED;
        case FLAGGED -> Flags.Flag.FLAGGED;
        case DELETED -> Flags.Flag.DELETED;
        case DRAFT -> Flags.Flag.DRAFT;
      });
    }
    return f;
  }

  /** The argument for a mailbox name: modified UTF-7 (or UTF-8 when enabled), quoted as needed. */
  static Argument mailbox(IMAPProtocol p, String name) {
    Argument a = new Argument();
    if (p.supportsUtf8()) {
      a.writeString(name, java.nio.charset.StandardCharsets.UTF_8);
    } else {
      a.writeString(org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder.encode(name));
    }
    return a;
  }

  /** Pairs of (source UID, destination UID) from a {@code [COPYUID v src dst]} response code, or null. */
  static @Nullable CopyUids copyUids(Response[] responses) {
    for (Response r : responses) {
      String s = r.toString();
      int i = s.indexOf("[COPYUID ");
      if (i < 0) {
        continue;
      }
      int end = s.indexOf(']', i);
      if (end < 0) {
        continue;
      }
      String[] f = s.substring(i + 9, end).trim().split(" +");
      if (f.length != 3) {
        continue;
      }
      try {
        long validity = Long.parseLong(f[0]);
        long[] src = UIDSet.toArray(UIDSet.parseUIDSets(f[1]));
        long[] dst = UIDSet.toArray(UIDSet.parseUIDSets(f[2]));
        if (src != null && dst != null && src.length == dst.length) {
          return new CopyUids(validity, src, dst);
        }
      } catch (RuntimeException e) {
        // malformed: treat as absent
      }
    }
    return null;
  }

  /** A parsed COPYUID response code. */
  record CopyUids(long uidValidity, long[] src, long[] dst) {
    /** The destination UIDs in the order of {@code requested}, skipping those the server did not report. */
    List<Uid> mapped(long[] requested) {
      List<Uid> out = new ArrayList<>(requested.length);
      for (long r : requested) {
        for (int i = 0; i < src.length; i++) {
          if (src[i] == r) {
            out.add(new Uid.Imap(uidValidity, dst[i]));
            break;
          }
        }
      }
      return out;
    }
  }
}
