package dev.satchel.mail.bench;

/**
 * A time budget for the slow variants (one round trip or one connection per item): once a run has
 * used it up, the run stops and its time is extrapolated linearly from the share of items done.
 * Such results are marked "extrapolated" everywhere they are shown.
 */
final class Budget {
  private static final ThreadLocal<long[]> DEADLINE = ThreadLocal.withInitial(() -> new long[] {Long.MAX_VALUE});

  private Budget() {}

  /** Thrown by {@link #check} when the budget is used up. */
  static final class Exceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final long done;
    final long total;

    Exceeded(long done, long total) {
      super("time budget used up after " + done + " of " + total, null, false, false);
      this.done = done;
      this.total = total;
    }
  }

  static void start(long nanos) {
    long now = System.nanoTime();
    DEADLINE.get()[0] = nanos <= 0 ? Long.MAX_VALUE : now + nanos;
  }

  static void clear() {
    DEADLINE.get()[0] = Long.MAX_VALUE;
  }

  /** Stops the run when the budget is used up and at least one item is done. */
  static void check(long done, long total) {
    if (done > 0 && done < total && System.nanoTime() > DEADLINE.get()[0]) {
      throw new Exceeded(done, total);
    }
  }
}
