package dev.satchel.mail;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An {@link InboxProcessor}'s record of one folder, kept in a {@link SyncState}: per message id,
 * {@code handled=<epoch second>}, {@code failures=<n>} or {@code dead=<epoch second>}, and the
 * message's flags as last seen ({@code f:\Seen}), so that {@code changesSince} does not report
 * every flagged message as changed on every run. Not thread-safe; used by one run at a time.
 */
final class ProcessingBook {
  private static final String HANDLED = "handled=";
  private static final String FAILURES = "failures=";
  private static final String DEAD = "dead=";
  private static final String FLAG = "f:";

  /** One message's record. handledAt and deadAt are epoch seconds, or -1. */
  record Entry(long handledAt, int failures, long deadAt) {
    boolean acknowledged() {
      return handledAt >= 0;
    }

    boolean dead() {
      return deadAt >= 0;
    }

    /** Handed over for good: never to be handed over again. */
    boolean settled() {
      return acknowledged() || dead();
    }
  }

  private final Map<String, Entry> entries = new HashMap<>();
  private final Map<String, Set<String>> flags = new HashMap<>();

  static ProcessingBook from(SyncState state) {
    ProcessingBook book = new ProcessingBook();
    for (Map.Entry<String, Set<String>> e : state.known().entrySet()) {
      long handled = -1;
      int failures = 0;
      long dead = -1;
      Set<String> seen = new TreeSet<>();
      for (String token : e.getValue()) {
        try {
          if (token.startsWith(FLAG) && token.length() > FLAG.length()) {
            seen.add(token.substring(FLAG.length()));
          } else if (token.startsWith(HANDLED)) {
            handled = Long.parseLong(token.substring(HANDLED.length()));
          } else if (token.startsWith(FAILURES)) {
            failures = Integer.parseInt(token.substring(FAILURES.length()));
          } else if (token.startsWith(DEAD)) {
            dead = Long.parseLong(token.substring(DEAD.length()));
          }
        } catch (NumberFormatException ignored) {
          // a damaged token counts as absent
        }
      }
      if (handled < 0 && failures == 0 && dead < 0) {
        handled = 0; // a state from changesSince without the processor's tokens: known means handled
      }
      book.entries.put(e.getKey(), new Entry(handled, failures, dead));
      if (!seen.isEmpty()) {
        book.flags.put(e.getKey(), seen);
      }
    }
    return book;
  }

  /** The ids never to hand over again: what {@code changesSince} should treat as known. */
  Map<String, Set<String>> settled() {
    Map<String, Set<String>> out = new TreeMap<>();
    entries.forEach((id, e) -> {
      if (e.settled()) {
        out.put(id, flags.getOrDefault(id, Set.of()));
      }
    });
    return out;
  }

  /** Records the flags {@code changesSince} reported (saved only for messages with a record). */
  void observe(Map<String, Set<String>> known) {
    known.forEach((id, f) -> {
      if (f.isEmpty()) {
        flags.remove(id);
      } else {
        flags.put(id, new TreeSet<>(f));
      }
    });
  }

  /** Records that the processor itself set {@code flag} on the message (so it is no change next run). */
  void flagged(String id, String flag) {
    flags.computeIfAbsent(id, k -> new TreeSet<>()).add(flag);
  }

  Entry get(String id) {
    Entry e = entries.get(id);
    return e == null ? new Entry(-1, 0, -1) : e;
  }

  void retainOnly(Collection<String> present) {
    entries.keySet().retainAll(present instanceof Set<?> ? present : Set.copyOf(present));
    flags.keySet().retainAll(entries.keySet());
  }

  void clear() {
    entries.clear();
    flags.clear();
  }

  void acknowledged(String id, Instant at) {
    entries.put(id, new Entry(at.getEpochSecond(), get(id).failures(), -1));
  }

  int failed(String id) {
    Entry e = get(id);
    entries.put(id, new Entry(-1, e.failures() + 1, -1));
    return e.failures() + 1;
  }

  void dead(String id, Instant at) {
    entries.put(id, new Entry(-1, get(id).failures(), at.getEpochSecond()));
  }

  Map<String, Entry> entries() {
    return entries;
  }

  SyncState toState(String folder, OptionalLong uidValidity, OptionalLong uidNext, OptionalLong highestModSeq) {
    Map<String, Set<String>> known = new TreeMap<>();
    entries.forEach((id, e) -> {
      Set<String> tokens = new TreeSet<>();
      if (e.acknowledged()) {
        tokens.add(HANDLED + e.handledAt());
      } else if (e.dead()) {
        tokens.add(DEAD + e.deadAt());
        tokens.add(FAILURES + e.failures());
      } else {
        tokens.add(FAILURES + e.failures());
      }
      for (String f : flags.getOrDefault(id, Set.of())) {
        tokens.add(FLAG + f);
      }
      known.put(id, tokens);
    });
    return new SyncState(folder, uidValidity, uidNext, highestModSeq, known);
  }
}
