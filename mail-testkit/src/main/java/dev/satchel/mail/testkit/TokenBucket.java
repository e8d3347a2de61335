package dev.satchel.mail.testkit;

/**
 * A token bucket that caps one direction of a proxied connection at a rate in bytes per second. It
 * refills continuously and holds at most {@link #capacity()} bytes' worth (10 ms of the rate, between
 * 1 byte and 64 KiB), so an idle connection may send one short burst and then flows at the rate; a
 * late wake-up is made up by the tokens that accrued meanwhile, so oversleeping does not lower the
 * rate. Used by one pump thread only; not thread-safe.
 */
final class TokenBucket {
  /** Sleeps; may return early (when the connection closes). */
  @FunctionalInterface
  interface Sleeper {
    void sleep(long nanos);
  }

  private final long bytesPerSecond;
  private final long capacity;
  private double tokens;
  private long refilledAt;

  TokenBucket(long bytesPerSecond) {
    if (bytesPerSecond < 1) {
      throw new IllegalArgumentException("bytesPerSecond must be >= 1, was " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.capacity = Math.max(1, Math.min(64 * 1024, bytesPerSecond / 100));
    this.tokens = capacity;
    this.refilledAt = System.nanoTime();
  }

  /** The most bytes that can pass at once. */
  long capacity() {
    return capacity;
  }

  /**
   * Takes the tokens for the next {@code min(wanted, capacity())} bytes, sleeping until they have
   * accrued.
   *
   * @return how many bytes may be sent now, at least 1 when {@code wanted} is positive
   */
  int take(int wanted, Sleeper sleeper) {
    int n = (int) Math.min(wanted, capacity);
    refill();
    if (tokens < n) {
      sleeper.sleep((long) Math.ceil((n - tokens) * 1e9 / bytesPerSecond));
      refill();
    }
    tokens -= n; // below zero only after an early wake-up: the next take waits for the debt
    return n;
  }

  private void refill() {
    long now = System.nanoTime();
    tokens = Math.min((double) capacity, tokens + (double) (now - refilledAt) * bytesPerSecond / 1e9);
    refilledAt = now;
  }
}
