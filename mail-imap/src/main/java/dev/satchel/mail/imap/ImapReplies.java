package dev.satchel.mail.imap;

import dev.satchel.mail.Flag;
import dev.satchel.mail.Quota;
import dev.satchel.mail.imap.engine.ImapResponse;
import dev.satchel.mail.imap.engine.ImapValue;
import dev.satchel.mail.internal.ServerLimitException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Readers of the IMAP answers Satchel uses (LIST, STATUS, NAMESPACE, QUOTA, SEARCH, ESEARCH,
 * VANISHED and the UIDPLUS response codes) from engine {@link ImapResponse}s, and writers of flag
 * lists for commands.
 *
 * <p>Server input is never trusted: a malformed answer gives null (or an empty result), never an
 * exception, so that the caller can report it; the only exception is a {@link ServerLimitException}
 * when a UID set would expand to more than {@link #MAX_UIDS} UIDs, raised before anything is
 * allocated. Stateless and thread-safe.
 */
final class ImapReplies {
  /** The most UIDs one UID set from the server may expand to (80 MB of {@code long}s). */
  static final long MAX_UIDS = 10_000_000L;

  private ImapReplies() {}

  /**
   * The entry of a LIST or LSUB answer, for example {@code * LIST (\HasNoChildren \Sent) "/" "Sent"};
   * LIST-EXTENDED data after the name is ignored.
   *
   * @param utf8 true when UTF8=ACCEPT is enabled: names are UTF-8 as sent, not modified UTF-7
   * @return the entry, or null when {@code r} is not a LIST or LSUB answer or is malformed (including
   *     a name with CR, LF or NUL)
   */
  static @Nullable ListEntry listEntry(ImapResponse r, boolean utf8) {
    if (!(untagged(r, "LIST") || untagged(r, "LSUB")) || r.items().size() < 4
        || !(r.item(1) instanceof ImapValue.ListValue attrs)) {
      return null;
    }
    Set<String> attributes = new LinkedHashSet<>();
    for (ImapValue a : attrs.items()) {
      if (!(a instanceof ImapValue.Atom atom)) {
        return null;
      }
      attributes.add(atom.text());
    }
    int delimiter = delimiter(r.item(2));
    String name = mailboxName(r.item(3), utf8);
    if (delimiter < 0 || name == null || !usableName(name)) {
      return null;
    }
    return new ListEntry(name, (char) delimiter, attributes);
  }

  /**
   * A STATUS answer, for example {@code * STATUS "INBOX" (MESSAGES 3 UIDNEXT 4 HIGHESTMODSEQ 9)};
   * items whose value is not a number are left out.
   *
   * @param utf8 true when UTF8=ACCEPT is enabled
   * @return the answer, or null when {@code r} is not a STATUS answer or is malformed
   */
  static @Nullable StatusReply status(ImapResponse r, boolean utf8) {
    if (!untagged(r, "STATUS") || r.items().size() != 3 || !(r.item(2) instanceof ImapValue.ListValue list)
        || list.items().size() % 2 != 0) {
      return null;
    }
    String name = mailboxName(r.item(1), utf8);
    if (name == null || !usableName(name)) {
      return null;
    }
    Map<String, Long> items = new LinkedHashMap<>();
    for (int i = 0; i < list.items().size(); i += 2) {
      if (!(list.items().get(i) instanceof ImapValue.Atom key)) {
        return null;
      }
      long value = number63(list.items().get(i + 1));
      if (value >= 0) {
        items.put(key.text().toUpperCase(Locale.ROOT), value);
      }
    }
    return new StatusReply(name, items);
  }

  /**
   * The first personal namespace of a NAMESPACE answer: {@code * NAMESPACE (("" "/")) NIL NIL} gives
   * {@code ("", '/')}. The prefix is decoded as a modified UTF-7 mailbox name.
   *
   * @return the namespace, or null when {@code r} is not a NAMESPACE answer, has no personal
   *     namespace or is malformed
   */
  static @Nullable Namespace personalNamespace(ImapResponse r) {
    if (!untagged(r, "NAMESPACE") || !(r.item(1) instanceof ImapValue.ListValue personal)
        || personal.items().isEmpty() || !(personal.items().get(0) instanceof ImapValue.ListValue first)
        || first.items().size() < 2 || !(first.items().get(0) instanceof ImapValue.Str prefix)) {
      return null;
    }
    int delimiter = delimiter(first.items().get(1));
    if (delimiter < 0) {
      return null;
    }
    return new Namespace(MailboxNames.decode(prefix.text()), (char) delimiter);
  }

  /**
   * The quota roots of every {@code * QUOTA root (STORAGE 10 512 MESSAGE 1 100)} answer among
   * {@code untagged}, in order. A root sent without a list (Courier: {@code * QUOTA "ROOT"}) is a
   * quota with no resources; a resource whose numbers are not numbers is left out; other responses
   * are skipped.
   */
  static List<Quota> quotas(List<ImapResponse> untagged) {
    List<Quota> out = new ArrayList<>();
    for (ImapResponse r : untagged) {
      if (!untagged(r, "QUOTA") || r.items().size() < 2) {
        continue;
      }
      String root = astring(r.item(1), true);
      if (root == null) {
        continue;
      }
      List<Quota.Resource> resources = new ArrayList<>();
      if (r.item(2) instanceof ImapValue.ListValue list) {
        List<ImapValue> v = list.items();
        for (int i = 0; i + 2 < v.size(); i += 3) {
          long usage = number63(v.get(i + 1));
          long limit = number63(v.get(i + 2));
          if (v.get(i) instanceof ImapValue.Atom name && usage >= 0 && limit >= 0) {
            resources.add(new Quota.Resource(name.text(), usage, limit));
          }
        }
      }
      out.add(new Quota(root, resources));
    }
    return out;
  }

  /**
   * The {@code [COPYUID uidvalidity source destination]} code of an OK answer, tagged (COPY, UID
   * COPY) or untagged (MOVE, RFC 6851).
   *
   * @return the code, or null when there is none or it is malformed (including sets of different
   *     sizes)
   * @throws ServerLimitException when a set holds more than {@link #MAX_UIDS} UIDs
   */
  static @Nullable CopyUid copyUid(ImapResponse r) throws ServerLimitException {
    List<ImapValue> code = okCode(r, "COPYUID", 4);
    if (code == null) {
      return null;
    }
    long validity = uid(code.get(1));
    if (validity < 0 || !(code.get(2) instanceof ImapValue.Atom src) || !(code.get(3) instanceof ImapValue.Atom dst)) {
      return null;
    }
    long[] source = UidSet.parseInOrder(src.text(), MAX_UIDS);
    long[] destination = source == null ? null : UidSet.parseInOrder(dst.text(), MAX_UIDS);
    if (source == null || destination == null || source.length != destination.length) {
      return null;
    }
    return new CopyUid(validity, source, destination);
  }

  /**
   * The {@code [APPENDUID uidvalidity uid]} code of an OK answer to APPEND.
   *
   * @return the code, or null when there is none, it is malformed or it names several UIDs
   *     (MULTIAPPEND)
   */
  static @Nullable AppendUid appendUid(ImapResponse r) {
    List<ImapValue> code = okCode(r, "APPENDUID", 3);
    if (code == null) {
      return null;
    }
    long validity = uid(code.get(1));
    long uid = uid(code.get(2));
    return validity < 0 || uid < 0 ? null : new AppendUid(validity, uid);
  }

  /**
   * The UIDs of a {@code * SEARCH 1 2 3} answer (a trailing {@code (MODSEQ 5)} is ignored) or of the
   * ALL set of a {@code * ESEARCH (TAG "x") UID ALL 1:3,5} answer (RFC 4731; without ALL, its MIN and
   * MAX), sorted ascending and distinct. An ESEARCH answer without {@code UID} counts messages by
   * sequence number, not UID, and gives nothing.
   *
   * @return the UIDs; empty when {@code r} is neither answer or holds none
   * @throws ServerLimitException when the ALL set holds more than {@link #MAX_UIDS} UIDs
   */
  static long[] searchUids(ImapResponse r) throws ServerLimitException {
    if (untagged(r, "SEARCH")) {
      int count = 0;
      for (ImapValue v : r.items().subList(1, r.items().size())) {
        count += v instanceof ImapValue.Numbers ns ? ns.values().length : 1;
      }
      long[] out = new long[count];
      int n = 0;
      for (ImapValue v : r.items().subList(1, r.items().size())) {
        if (v instanceof ImapValue.Numbers ns) {
          for (long uid : ns.values()) {
            if (uid > 0 && uid <= 0xFFFF_FFFFL) {
              out[n++] = uid;
            }
          }
        } else {
          long uid = uid(v);
          if (uid > 0) {
            out[n++] = uid;
          }
        }
      }
      return sortedDistinct(out, n);
    }
    if (!untagged(r, "ESEARCH")) {
      return new long[0];
    }
    int i = 1;
    if (r.item(i) instanceof ImapValue.ListValue) {
      i++;
    }
    if (!(r.item(i) instanceof ImapValue.Atom marker) || !marker.is("UID")) {
      return new long[0];
    }
    long[] minMax = new long[2];
    int n = 0;
    for (i++; i + 1 < r.items().size(); i += 2) {
      if (!(r.item(i) instanceof ImapValue.Atom key)) {
        return new long[0];
      }
      ImapValue value = r.items().get(i + 1);
      if (key.is("ALL")) {
        long[] all = value instanceof ImapValue.Atom set ? UidSet.parse(set.text(), MAX_UIDS) : null;
        return all == null ? new long[0] : all;
      }
      long uid = uid(value);
      if ((key.is("MIN") || key.is("MAX")) && uid > 0) {
        minMax[n++] = uid;
      }
    }
    return sortedDistinct(minMax, n);
  }

  /**
   * A VANISHED answer (RFC 7162): {@code * VANISHED (EARLIER) 1:3,7} or {@code * VANISHED 5}.
   *
   * @return the answer, or null when {@code r} is not one or is malformed
   * @throws ServerLimitException when the set holds more than {@link #MAX_UIDS} UIDs
   */
  static @Nullable Vanished vanished(ImapResponse r) throws ServerLimitException {
    if (!untagged(r, "VANISHED")) {
      return null;
    }
    boolean earlier = false;
    int i = 1;
    if (r.item(i) instanceof ImapValue.ListValue modifiers) {
      if (modifiers.items().size() != 1 || !(modifiers.items().get(0) instanceof ImapValue.Atom a) || !a.is("EARLIER")) {
        return null;
      }
      earlier = true;
      i++;
    }
    if (r.items().size() != i + 1 || !(r.item(i) instanceof ImapValue.Atom set)) {
      return null;
    }
    long[] uids = UidSet.parse(set.text(), MAX_UIDS);
    return uids == null ? null : new Vanished(earlier, uids);
  }

  /**
   * The flags of a FLAGS list as sent ({@code "\\Seen"}, {@code "$Label1"}), in order; items that are
   * not atoms are skipped, and a value that is not a list gives an empty set.
   */
  static Set<String> flags(ImapValue list) {
    if (!(list instanceof ImapValue.ListValue l)) {
      return Set.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (ImapValue v : l.items()) {
      if (v instanceof ImapValue.Atom a) {
        out.add(a.text());
      }
    }
    return Collections.unmodifiableSet(out);
  }

  /** The parenthesised list of system flags for STORE or APPEND, in {@link Flag} order: {@code (\Seen \Flagged)}. */
  static String flagList(Set<Flag> flags) {
    StringBuilder sb = new StringBuilder("(");
    for (Flag f : Flag.values()) {
      if (flags.contains(f)) {
        String lower = f.name().toLowerCase(Locale.ROOT);
        sb.append(sb.length() > 1 ? " \\" : "\\").append(Character.toUpperCase(lower.charAt(0)))
            .append(lower, 1, lower.length());
      }
    }
    return sb.append(')').toString();
  }

  /**
   * The parenthesised list of keywords for STORE or APPEND: {@code ($Label1 Work)}.
   *
   * @throws IllegalArgumentException when a keyword is not a non-empty IMAP atom or starts with a
   *     backslash (system flags are not keywords)
   */
  static String keywordList(Set<String> keywords) {
    StringBuilder sb = new StringBuilder("(");
    for (String k : keywords) {
      boolean atom = !k.isEmpty() && k.chars().allMatch(c -> c > ' ' && c < 0x7f && "(){%*\"\\]".indexOf(c) < 0);
      if (!atom) {
        throw new IllegalArgumentException("keyword must be a non-empty IMAP atom without a leading backslash, was \""
            + escape(k) + "\"");
      }
      sb.append(sb.length() > 1 ? " " : "").append(k);
    }
    return sb.append(')').toString();
  }

  /** {@code s} with control characters shown as {@code \xNN}, for messages naming a bad value. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.chars().forEach(c -> {
      if (c < ' ' || c == 0x7f) {
        sb.append(String.format(Locale.ROOT, "\\x%02x", c));
      } else {
        sb.append((char) c);
      }
    });
    return sb.toString();
  }

  private static boolean untagged(ImapResponse r, String word) {
    return r.kind() == ImapResponse.Kind.UNTAGGED && r.problem() == null && r.item(0) instanceof ImapValue.Atom a
        && a.is(word);
  }

  /** The response code of an OK answer if it is {@code name} with {@code size} items, else null. */
  private static @Nullable List<ImapValue> okCode(ImapResponse r, String name, int size) {
    List<ImapValue> code = r.code();
    if (r.kind() == ImapResponse.Kind.CONTINUATION || !r.is("OK") || code == null || code.size() != size
        || !(code.get(0) instanceof ImapValue.Atom a) || !a.is(name)) {
      return null;
    }
    return code;
  }

  /** The hierarchy delimiter: a one-character string, or 0 for NIL; -1 when malformed. */
  private static int delimiter(@Nullable ImapValue v) {
    if (v == ImapValue.Nil.NIL) {
      return 0;
    }
    if (v instanceof ImapValue.Str s && s.bytes().length == 1) {
      return s.bytes()[0] & 0xff;
    }
    return -1;
  }

  /** A mailbox name (an astring), decoded, or null when {@code v} is not one. */
  private static @Nullable String mailboxName(@Nullable ImapValue v, boolean utf8) {
    String s = astring(v, utf8);
    return s == null || utf8 ? s : MailboxNames.decode(s);
  }

  /**
   * An astring as text: a string's bytes as UTF-8, an atom as sent (its 8-bit bytes read as UTF-8
   * when they are valid UTF-8), NIL as {@code "NIL"}; null for a list or anything else.
   */
  private static @Nullable String astring(@Nullable ImapValue v, boolean utf8) {
    if (v instanceof ImapValue.Str s) {
      return s.text();
    }
    if (v instanceof ImapValue.Atom a) {
      return utf8 || a.text().chars().anyMatch(c -> c >= 0x80) ? utf8Atom(a.text()) : a.text();
    }
    return v == ImapValue.Nil.NIL ? "NIL" : null;
  }

  /** The atom's bytes (held as ISO-8859-1 chars) as UTF-8 when they are valid UTF-8, else as they are. */
  private static String utf8Atom(String latin1) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1))).toString();
    } catch (CharacterCodingException e) {
      return latin1;
    }
  }

  /** False for names no folder can have: CR, LF and NUL (possible in a literal). */
  private static boolean usableName(String name) {
    return name.indexOf('\r') < 0 && name.indexOf('\n') < 0 && name.indexOf('\0') < 0;
  }

  /** A UID or UIDVALIDITY: an atom holding 1..4294967295, else -1. */
  private static long uid(@Nullable ImapValue v) {
    long n = v instanceof ImapValue.Atom a ? a.number() : -1;
    return n > 0 ? n : -1;
  }

  /** A number of up to 63 bits (RFC 9208 number64, RFC 7162 mod-sequence), else -1. */
  private static long number63(@Nullable ImapValue v) {
    if (!(v instanceof ImapValue.Atom a) || a.text().isEmpty() || a.text().length() > 19) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < a.text().length(); i++) {
      char c = a.text().charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
      if (n < 0) {
        return -1;
      }
    }
    return n;
  }

  private static long[] sortedDistinct(long[] values, int n) {
    long[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    int d = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (d == 0 || sorted[i] != sorted[d - 1]) {
        sorted[d++] = sorted[i];
      }
    }
    return d == sorted.length ? sorted : Arrays.copyOf(sorted, d);
  }
}
