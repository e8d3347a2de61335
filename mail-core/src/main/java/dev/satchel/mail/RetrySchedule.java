package dev.satchel.mail;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * When a running {@link InboxProcessor} (from {@link InboxProcessor#start}) hands a failed message
 * over again: after {@code first} for the first failure, doubling with each further failure, never
 * more than {@code max}. Kept in memory only: after a restart every pending message is tried at the
 * first run. Thread-safe.
 */
final class RetrySchedule {
  private final Duration first;
  private final Duration max;
  /** Message id ({@link Uid#asString()}) to the earliest time of its next attempt. */
  private final Map<String, Instant> due = new HashMap<>();

  RetrySchedule(Duration first, Duration max) {
    this.first = first;
    this.max = max;
  }

  /** The wait after the {@code failures}-th failed attempt: first * 2^(failures - 1), at most max. */
  Duration backoff(int failures) {
    Duration d = first;
    for (int i = 1; i < failures && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  /** Records that message {@code id} failed for the {@code failures}-th time at {@code now}. */
  synchronized void failed(String id, int failures, Instant now) {
    due.put(id, now.plus(backoff(failures)));
  }

  /** Forgets message {@code id}: handled or given up. */
  synchronized void settled(String id) {
    due.remove(id);
  }

  /** Forgets every message not in {@code pending}. */
  synchronized void retainOnly(Set<String> pending) {
    due.keySet().retainAll(pending);
  }

  /** True while message {@code id} waits for its next attempt at {@code now}. */
  synchronized boolean waiting(String id, Instant now) {
    Instant at = due.get(id);
    return at != null && at.isAfter(now);
  }

  /** The earliest time a failed message is due again, if any waits. */
  synchronized Optional<Instant> next() {
    return due.values().stream().min(Instant::compareTo);
  }
}
