package dev.satchel.mail.interop;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Waits for a condition on the real servers (a delivery through Postfix's queue), with a deadline. */
final class Await {
  private static final long POLL_NANOS = Duration.ofMillis(25).toNanos();

  private Await() {}

  /**
   * Re-checks {@code value} until {@code done} accepts it or {@code timeout} passes; returns the last
   * value either way, so that the caller's assertion reports what was there.
   */
  static <T> T until(Duration timeout, Supplier<T> value, java.util.function.Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T v = value.get();
      long remaining = deadline - System.nanoTime();
      if (done.test(v) || remaining <= 0) {
        return v;
      }
      LockSupport.parkNanos(Math.min(remaining, POLL_NANOS));
    }
  }
}
