package dev.satchel.mail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;

/**
 * What a client knew about one folder at one moment, so that {@link Mailbox#changesSince} can say
 * what changed since.
 *
 * <p>IMAP fills UIDVALIDITY, UIDNEXT and, with CONDSTORE, HIGHESTMODSEQ; POP3 leaves them empty.
 * {@link #known()} maps each known message ({@link Uid#asString()}) to its flags and keywords as
 * IMAP writes them ({@code \Seen}, {@code $Label}); for POP3 the flag sets are empty.
 *
 * <p>{@link #serialize()} and {@link #parse(String)} turn a state into a line-oriented text and
 * back, for a {@code SyncStateStore}. Immutable and thread-safe.
 */
public final class SyncState {
  private static final String MAGIC = "satchel-sync-state 1";

  private final String folder;
  private final OptionalLong uidValidity;
  private final OptionalLong uidNext;
  private final OptionalLong highestModSeq;
  private final SortedMap<String, Set<String>> known;

  /**
   * Creates a state.
   *
   * @param folder the folder's full name
   * @param uidValidity the UIDVALIDITY (IMAP)
   * @param uidNext the UIDNEXT (IMAP)
   * @param highestModSeq the HIGHESTMODSEQ (IMAP CONDSTORE)
   * @param known each known message id ({@link Uid#asString()}) to its flags and keywords
   * @throws IllegalArgumentException when the folder name or an id is empty or holds a tab, CR, LF
   *     or NUL, a flag is empty or holds a space or control, uidValidity is outside 1..4294967295,
   *     uidNext is below 1 or highestModSeq below 0
   */
  public SyncState(String folder, OptionalLong uidValidity, OptionalLong uidNext, OptionalLong highestModSeq,
      Map<String, Set<String>> known) {
    checkToken("folder", folder);
    checkRange("uidValidity", uidValidity, 1, 0xFFFF_FFFFL);
    checkRange("uidNext", uidNext, 1, Long.MAX_VALUE);
    checkRange("highestModSeq", highestModSeq, 0, Long.MAX_VALUE);
    this.folder = folder;
    this.uidValidity = uidValidity;
    this.uidNext = uidNext;
    this.highestModSeq = highestModSeq;
    // Linear when the ids come sorted (another state's known(), a parsed state); no copy when known
    // is already another state's map.
    this.known = KnownMap.copyOf(known);
  }

  /** The state of a folder never seen before: {@code changesSince} reports every message as new. */
  public static SyncState initial(String folder) {
    return new SyncState(folder, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), Map.of());
  }

  /** The folder's full name. */
  public String folder() {
    return folder;
  }

  /** The UIDVALIDITY when this state was taken (IMAP). */
  public OptionalLong uidValidity() {
    return uidValidity;
  }

  /** The UIDNEXT when this state was taken (IMAP). */
  public OptionalLong uidNext() {
    return uidNext;
  }

  /** The HIGHESTMODSEQ when this state was taken (IMAP CONDSTORE). */
  public OptionalLong highestModSeq() {
    return highestModSeq;
  }

  /** Each known message id to its flags and keywords, sorted by id. */
  public SortedMap<String, Set<String>> known() {
    return known;
  }

  /**
   * A text form that {@link #parse(String)} turns back into an equal state. Line-oriented UTF-8, safe
   * to store in a file or a database text column.
   */
  public String serialize() {
    StringBuilder sb = new StringBuilder(64 + known.size() * 24);
    sb.append(MAGIC).append('\n');
    sb.append("folder\t").append(folder).append('\n');
    uidValidity.ifPresent(v -> sb.append("uidvalidity\t").append(v).append('\n'));
    uidNext.ifPresent(v -> sb.append("uidnext\t").append(v).append('\n'));
    highestModSeq.ifPresent(v -> sb.append("highestmodseq\t").append(v).append('\n'));
    for (Map.Entry<String, Set<String>> e : known.entrySet()) {
      sb.append("m\t").append(e.getKey());
      if (!e.getValue().isEmpty()) {
        sb.append('\t').append(String.join(" ", e.getValue()));
      }
      sb.append('\n');
    }
    sb.append("end\n");
    return sb.toString();
  }

  /**
   * Parses what {@link #serialize()} wrote.
   *
   * <p>Lines may end in LF or CRLF.
   *
   * @throws IllegalArgumentException when the text is not a complete serialized state: a wrong first
   *     line, an unknown or malformed record, a repeated message id, no {@code end} line (truncated)
   *     or text after it; the message names the line
   */
  public static SyncState parse(String text) {
    String[] lines = text.split("\n", -1);
    if (!strip(lines[0]).equals(MAGIC)) {
      throw new IllegalArgumentException("not a Satchel sync state: line 1 must be \"" + MAGIC + "\", was \""
          + EmailAddress.escape(lines[0]) + "\"");
    }
    String folder = null;
    OptionalLong validity = OptionalLong.empty();
    OptionalLong next = OptionalLong.empty();
    OptionalLong modseq = OptionalLong.empty();
    Map<String, Set<String>> known = new LinkedHashMap<>();
    int end = -1;
    for (int i = 1; i < lines.length && end < 0; i++) {
      String line = strip(lines[i]);
      String[] f = line.split("\t", -1);
      try {
        switch (f[0]) {
          case "folder" -> {
            fields(f, 2, 2);
            checkToken("folder", f[1]);
            if (folder != null) {
              throw new IllegalArgumentException("second folder record");
            }
            folder = f[1];
          }
          case "uidvalidity" -> validity = OptionalLong.of(number(f, 1, 0xFFFF_FFFFL));
          case "uidnext" -> next = OptionalLong.of(number(f, 1, Long.MAX_VALUE));
          case "highestmodseq" -> modseq = OptionalLong.of(number(f, 0, Long.MAX_VALUE));
          case "m" -> {
            fields(f, 2, 3);
            checkToken("message id", f[1]);
            Set<String> flags = f.length > 2 && !f[2].isEmpty() ? KnownMap.Tokens.of(f[2].split(" ", -1)) : Set.of();
            if (known.put(f[1], flags) != null) {
              throw new IllegalArgumentException("message id \"" + EmailAddress.escape(f[1]) + "\" appears twice");
            }
          }
          case "end" -> {
            fields(f, 1, 1);
            end = i;
          }
          default -> throw new IllegalArgumentException("unknown record \"" + EmailAddress.escape(f[0]) + "\"");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("malformed sync state at line " + (i + 1) + " (\"" + EmailAddress.escape(line)
            + "\"): " + e.getMessage(), e);
      }
    }
    if (end < 0) {
      throw new IllegalArgumentException("sync state is truncated after line " + lines.length + ": no \"end\" line");
    }
    for (int i = end + 1; i < lines.length; i++) {
      if (!(i == lines.length - 1 && lines[i].isEmpty())) {
        throw new IllegalArgumentException("malformed sync state at line " + (i + 1) + ": text after the \"end\" line");
      }
    }
    if (folder == null) {
      throw new IllegalArgumentException("sync state has no folder line");
    }
    try {
      return new SyncState(folder, validity, next, modseq, known);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed sync state: " + e.getMessage(), e);
    }
  }

  /** Drops one trailing CR, so that a state stored with CRLF line ends still parses. */
  private static String strip(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private static void fields(String[] f, int min, int max) {
    if (f.length < min || f.length > max) {
      throw new IllegalArgumentException("expected " + (min == max ? String.valueOf(min) : min + " or " + max)
          + " tab-separated fields, found " + f.length);
    }
  }

  private static long number(String[] f, long min, long max) {
    fields(f, 2, 2);
    if (f[1].isEmpty() || f[1].length() > 19 || !f[1].chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(f[0] + " must be a decimal number, was \"" + EmailAddress.escape(f[1]) + "\"");
    }
    long value;
    try {
      value = Long.parseLong(f[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(f[0] + " is too large, was " + f[1], e);
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(f[0] + " must be " + min + ".." + max + ", was " + value);
    }
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SyncState s && s.folder.equals(folder) && s.uidValidity.equals(uidValidity)
        && s.uidNext.equals(uidNext) && s.highestModSeq.equals(highestModSeq) && s.known.equals(known);
  }

  @Override
  public int hashCode() {
    return folder.hashCode() * 31 + known.hashCode();
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    parts.add("folder=" + folder);
    uidValidity.ifPresent(v -> parts.add("uidValidity=" + v));
    uidNext.ifPresent(v -> parts.add("uidNext=" + v));
    highestModSeq.ifPresent(v -> parts.add("highestModSeq=" + v));
    parts.add("known=" + known.size());
    return "SyncState[" + String.join(", ", parts) + "]";
  }

  static void checkFlag(String f) {
    boolean ok = !f.isEmpty();
    for (int i = 0; ok && i < f.length(); i++) {
      char c = f.charAt(i);
      ok = c > 32 && c != 127;
    }
    if (!ok) {
      throw new IllegalArgumentException("flag must be non-empty without spaces or controls, was \"" + EmailAddress.escape(f) + "\"");
    }
  }

  private static void checkRange(String what, OptionalLong value, long min, long max) {
    if (value.isPresent() && (value.getAsLong() < min || value.getAsLong() > max)) {
      throw new IllegalArgumentException(what + " must be " + min + ".." + max + ", was " + value.getAsLong());
    }
  }

  static void checkToken(String what, String value) {
    boolean ok = !value.isEmpty();
    for (int i = 0; ok && i < value.length(); i++) {
      char c = value.charAt(i);
      ok = c != '\n' && c != '\r' && c != '\t' && c != 0;
    }
    if (!ok) {
      throw new IllegalArgumentException(what + " must be non-empty without tab, CR, LF or NUL, was \"" + EmailAddress.escape(value) + "\"");
    }
  }
}
