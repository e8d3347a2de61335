package dev.satchel.mail.internal.wire;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Bounds blocking socket writes without a thread per connection: one daemon thread for the whole JVM
 * closes the connection of a write that is still blocked when its time is up (a server that stopped
 * reading). Thread-safe.
 */
final class WriteWatchdog {
  private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
    Thread t = new Thread(r, "satchel-write-watchdog");
    t.setDaemon(true);
    return t;
  });

  static {
    TIMER.setRemoveOnCancelPolicy(true);
  }

  private WriteWatchdog() {}

  /** A running watch; {@link #cancel()} when the write returned. */
  static final class Watch {
    private final ScheduledFuture<?> future;
    private volatile boolean fired;

    private Watch(Closeable target, long millis) {
      this.future = TIMER.schedule(() -> {
        fired = true;
        try {
          target.close();
        } catch (IOException | RuntimeException ignored) {
          // closing a stuck connection: nothing more to do
        }
      }, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops the watch; true when it had already closed the connection. */
    boolean cancel() {
      future.cancel(false);
      return fired;
    }
  }

  /** Closes {@code target} unless {@link Watch#cancel()} is called within {@code millis}. */
  static Watch watch(Closeable target, long millis) {
    return new Watch(target, millis);
  }
}
