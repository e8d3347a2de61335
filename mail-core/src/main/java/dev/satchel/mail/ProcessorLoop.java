package dev.satchel.mail;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervised loop behind {@link InboxProcessor#start}: runs, waits for the interval, a push or
 * the retry of a failed message (whichever comes first), and after a failed run waits with
 * exponential backoff and jitter before reconnecting.
 */
final class ProcessorLoop implements InboxProcessor.Running {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessorLoop.class);
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private final InboxProcessor processor;
  private final Duration interval;
  private final InboxProcessor.Listener listener;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private boolean runRequested;
  private volatile boolean running = true;
  private @Nullable Mailbox watchMailbox;
  private @Nullable Watch watch;
  private final @Nullable Waiter waiter;

  /** Waits between runs in place of the loop's own wait; for tests, which pass time on a fake clock. */
  @FunctionalInterface
  interface Waiter {
    /** Called where the loop would wait {@code d} (or until woken); the loop goes on when it returns. */
    void await(Duration d) throws InterruptedException;
  }

  private ProcessorLoop(InboxProcessor processor, Duration interval, InboxProcessor.Listener listener,
      @Nullable Waiter waiter) {
    this.processor = processor;
    this.interval = interval;
    this.listener = listener;
    this.waiter = waiter;
  }

  static ProcessorLoop start(InboxProcessor processor, Duration interval, InboxProcessor.Listener listener) {
    return start(processor, interval, listener, null);
  }

  /** {@link #start(InboxProcessor, Duration, InboxProcessor.Listener)} waiting with {@code waiter} when not null. */
  static ProcessorLoop start(InboxProcessor processor, Duration interval, InboxProcessor.Listener listener,
      @Nullable Waiter waiter) {
    ProcessorLoop loop = new ProcessorLoop(processor, interval, listener, waiter);
    Thread t = new Thread(loop::loop, "satchel-inbox-processor-" + processor.stateKey());
    t.setDaemon(true);
    t.start();
    return loop;
  }

  private void loop() {
    Duration backoff = FIRST_BACKOFF;
    try {
      while (running) {
        Duration wait;
        try {
          InboxProcessor.Report report = processor.runInLoop();
          backoff = FIRST_BACKOFF;
          wait = processor.nextWait(interval);
          notify(() -> listener.onRun(report));
          startWatchIfOffered();
        } catch (UnsupportedCapabilityException e) {
          LOG.error("{}: stopped: {}", processor.stateKey(), e.getMessage());
          notify(() -> listener.onStopped(e));
          running = false;
          break;
        } catch (RuntimeException e) {
          wait = jitter(backoff);
          backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
          LOG.warn("{}: run failed, retrying in {} ms: {}", processor.stateKey(), wait.toMillis(), e.getMessage());
          Duration retryIn = wait;
          notify(() -> listener.onFailure(e, retryIn));
        }
        await(wait);
      }
    } finally {
      stopWatch();
    }
  }

  private void startWatchIfOffered() {
    if (watch != null || !processor.pushOffered() || !running) {
      return;
    }
    Mailbox m = null;
    try {
      m = processor.openMailbox();
      Folder folder = processor.folder(m);
      watchMailbox = m;
      watch = m.watch(folder, new MailboxListener() {
        @Override
        public void onChanges(Folder f, Changes changes) {
          if (!changes.added().isEmpty()) {
            runNow();
          }
        }
      });
      // The watch starts from the folder as it is now: mail that arrived after the run's look and
      // before that snapshot would wait for the next interval. One more run closes that gap.
      runNow();
    } catch (RuntimeException e) {
      LOG.info("{}: push not available, polling every {}: {}", processor.stateKey(), interval, e.getMessage());
      if (m != null) {
        m.close();
      }
      watchMailbox = null;
    }
  }

  private void stopWatch() {
    Watch w = watch;
    if (w != null) {
      w.close();
    }
    Mailbox m = watchMailbox;
    if (m != null) {
      m.close();
    }
    watch = null;
    watchMailbox = null;
  }

  private void await(Duration d) {
    Waiter w = waiter;
    if (w != null) {
      try {
        w.await(d);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
      return;
    }
    lock.lock();
    try {
      long nanos = d.toNanos();
      while (running && !runRequested && nanos > 0) {
        nanos = wake.awaitNanos(nanos);
      }
      runRequested = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      lock.unlock();
    }
  }

  private static Duration jitter(Duration d) {
    double factor = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
    return Duration.ofMillis(Math.max(1, (long) (d.toMillis() * factor)));
  }

  private void notify(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("an InboxProcessor.Listener threw; ignored", e);
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public void runNow() {
    lock.lock();
    try {
      runRequested = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      running = false;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "InboxProcessor.Running[" + processor.stateKey() + (running ? "" : ", stopped") + "]";
  }
}
