package dev.satchel.mail.jdbc;

import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.UnsupportedCapabilityException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LeasedProcessor#start}: a daemon thread that calls {@link LeasedProcessor#runOnce()} now,
 * then every interval, and at once after {@link #runNow()}. Thread-safe.
 */
final class LeasedLoop implements InboxProcessor.Running {
  private static final Logger LOG = LoggerFactory.getLogger(LeasedLoop.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private final LeasedProcessor processor;
  private final long intervalNanos;
  private final Duration interval;
  private final InboxProcessor.Listener listener;
  private final Thread thread;
  private final Object signal = new Object();
  private volatile boolean running = true;
  private boolean wake;

  LeasedLoop(LeasedProcessor processor, Duration interval, InboxProcessor.Listener listener) {
    this.processor = processor;
    this.interval = interval;
    this.intervalNanos = interval.toNanos();
    this.listener = listener;
    this.thread = new Thread(this::loop, "satchel-leased-processor " + processor.leaseKey());
    this.thread.setDaemon(true);
  }

  LeasedLoop begin() {
    thread.start();
    return this;
  }

  private void loop() {
    while (running) {
      try {
        processor.runOnce().ifPresent(report -> tell(() -> listener.onRun(report)));
      } catch (UnsupportedCapabilityException e) {
        running = false;
        LOG.error("{}: stopped for good: {}", processor.leaseKey(), e.getMessage());
        tell(() -> listener.onStopped(e));
        return;
      } catch (RuntimeException e) {
        if (!running) {
          return; // closed during the run: the guard ended it
        }
        LOG.warn("{}: run failed; next run in {}: {}", processor.leaseKey(), interval, e.toString());
        tell(() -> listener.onFailure(e, interval));
      }
      await();
    }
  }

  /** Waits for the interval, a {@link #runNow()} or {@link #close()}. */
  private void await() {
    long deadline = System.nanoTime() + intervalNanos;
    synchronized (signal) {
      long left;
      while (running && !wake && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(signal, left);
        } catch (InterruptedException e) {
          running = false;
          Thread.currentThread().interrupt();
        }
      }
      wake = false;
    }
  }

  private void tell(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("{}: the listener threw; ignored", processor.leaseKey(), e);
    }
  }

  /** True while the loop has not been asked to stop; the processor's guard ends a run once it is false. */
  @Override
  public boolean isRunning() {
    return running;
  }

  /** True on the loop's own thread. */
  boolean isLoopThread() {
    return Thread.currentThread() == thread;
  }

  @Override
  public void runNow() {
    synchronized (signal) {
      wake = true;
      signal.notifyAll();
    }
  }

  /**
   * Stops the loop: a run in progress ends before its next message or server action (what was handled
   * is saved and the lease released); waits for that at most 30 seconds.
   */
  @Override
  public void close() {
    running = false;
    runNow();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(STOP_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
