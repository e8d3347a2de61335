package dev.satchel.mail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

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
   * @throws IllegalArgumentException when the folder name or an id holds a line break or tab
   */
  public SyncState(String folder, OptionalLong uidValidity, OptionalLong uidNext, OptionalLong highestModSeq,
      Map<String, Set<String>> known) {
    checkToken("folder", folder);
    this.folder = folder;
    this.uidValidity = uidValidity;
    this.uidNext = uidNext;
    this.highestModSeq = highestModSeq;
    TreeMap<String, Set<String>> copy = new TreeMap<>();
    for (Map.Entry<String, Set<String>> e : known.entrySet()) {
      checkToken("message id", e.getKey());
      for (String f : e.getValue()) {
        if (f.isEmpty() || f.chars().anyMatch(c -> c <= 32)) {
          throw new IllegalArgumentException("flag must be non-empty without spaces or controls, was \"" + EmailAddress.escape(f) + "\"");
        }
      }
      copy.put(e.getKey(), Collections.unmodifiableSet(new TreeSet<>(e.getValue())));
    }
    this.known = Collections.unmodifiableSortedMap(copy);
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
   * @throws IllegalArgumentException when the text is not a complete serialized state, naming the line
   */
  public static SyncState parse(String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length < 3 || !lines[0].equals(MAGIC)) {
      throw new IllegalArgumentException("not a Satchel sync state: first line must be \"" + MAGIC + "\"");
    }
    String folder = null;
    OptionalLong validity = OptionalLong.empty();
    OptionalLong next = OptionalLong.empty();
    OptionalLong modseq = OptionalLong.empty();
    Map<String, Set<String>> known = new TreeMap<>();
    boolean ended = false;
    for (int i = 1; i < lines.length && !ended; i++) {
      String line = lines[i];
      String[] f = line.split("\t", -1);
      try {
        switch (f[0]) {
          case "folder" -> folder = f[1];
          case "uidvalidity" -> validity = OptionalLong.of(Long.parseLong(f[1]));
          case "uidnext" -> next = OptionalLong.of(Long.parseLong(f[1]));
          case "highestmodseq" -> modseq = OptionalLong.of(Long.parseLong(f[1]));
          case "m" -> {
            Set<String> flags = new TreeSet<>();
            if (f.length > 2 && !f[2].isEmpty()) {
              flags.addAll(List.of(f[2].split(" ")));
            }
            known.put(f[1], flags);
          }
          case "end" -> ended = true;
          default -> throw new IllegalArgumentException("unknown record \"" + EmailAddress.escape(f[0]) + "\"");
        }
      } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
        throw new IllegalArgumentException("malformed sync state at line " + (i + 1) + ": \"" + EmailAddress.escape(line) + "\"", e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("malformed sync state at line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    if (!ended) {
      throw new IllegalArgumentException("sync state is truncated: no \"end\" line");
    }
    if (folder == null) {
      throw new IllegalArgumentException("sync state has no folder line");
    }
    return new SyncState(folder, validity, next, modseq, known);
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

  private static void checkToken(String what, String value) {
    if (value.isEmpty() || value.chars().anyMatch(c -> c == '\n' || c == '\r' || c == '\t' || c == 0)) {
      throw new IllegalArgumentException(what + " must be non-empty without tab, CR, LF or NUL, was \"" + EmailAddress.escape(value) + "\"");
    }
  }
}
