package dev.satchel.mail.imap;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting in tests for something another thread does, with a deadline. Whatever changes test state
 * (a watch listener, the test proxy counting a command) calls {@link #signal()}, which wakes the
 * waiter at once; conditions nobody signals are checked again at least every 50 ms.
 */
final class Await {
  private static final Object EVENTS = new Object();
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final long RECHECK_MILLIS = 50;

  private Await() {}

  /** Wakes every waiter so that it checks its condition now. */
  static void signal() {
    synchronized (EVENTS) {
      EVENTS.notifyAll();
    }
  }

  /**
   * Returns once {@code condition} holds.
   *
   * @throws AssertionError naming {@code what} when it does not hold within 20 seconds
   */
  static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    synchronized (EVENTS) {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("timed out waiting until " + what);
        }
        try {
          EVENTS.wait(Math.max(1, Math.min(RECHECK_MILLIS, left / 1_000_000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting until " + what, e);
        }
      }
    }
  }
}
