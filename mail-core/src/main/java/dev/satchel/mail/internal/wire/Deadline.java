package dev.satchel.mail.internal.wire;

import java.time.Duration;

/**
 * The latest moment an operation may still wait for the server: every read and write of a
 * {@link WireConnection} is bounded by both its own timeout and the deadline of the operation it
 * serves, so a server that trickles one byte at a time cannot hold a call past it. Immutable.
 */
public final class Deadline {
  private final long endNanos;
  private final Duration budget;

  private Deadline(long endNanos, Duration budget) {
    this.endNanos = endNanos;
    this.budget = budget;
  }

  /**
   * A deadline {@code budget} from now.
   *
   * @throws IllegalArgumentException when {@code budget} is zero or negative
   */
  public static Deadline in(Duration budget) {
    if (budget.isNegative() || budget.isZero()) {
      throw new IllegalArgumentException("a deadline must be in the future, was " + budget);
    }
    long nanos = budget.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos() : budget.toNanos();
    return new Deadline(System.nanoTime() + nanos, budget);
  }

  /** How long the operation was given. */
  public Duration budget() {
    return budget;
  }

  /** Nanoseconds left; zero or negative once passed. */
  public long remainingNanos() {
    return endNanos - System.nanoTime();
  }

  /** True once the deadline has passed. */
  public boolean expired() {
    return remainingNanos() <= 0;
  }

  /**
   * The socket timeout for the next wait: {@code timeout}, shortened to what is left of the deadline
   * (at least one millisecond, since zero means "forever" to a socket).
   */
  public int soTimeoutMillis(Duration timeout) {
    long left = Math.max(1, (remainingNanos() + 999_999) / 1_000_000);
    long millis = Math.min(timeout.toMillis(), left);
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
  }

  @Override
  public String toString() {
    return "Deadline[" + budget + ", " + Math.max(0, remainingNanos() / 1_000_000) + " ms left]";
  }
}
