package dev.satchel.mail.testkit;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One direction of a proxied connection with a fixed latency, like a network link: every chunk
 * {@linkplain #offer offered} is written {@code latency} after it was offered, by the thread running
 * {@link #run()}, while later chunks keep being accepted. So bytes flow continuously and a round trip
 * costs the two directions' latencies once, not once per chunk.
 *
 * <p>At most {@code maxQueuedBytes} wait in the line (a chunk is always accepted into an empty line);
 * beyond that {@link #offer} blocks, which pushes back on the sender as a full TCP window would.
 *
 * <p>Thread-safe: one thread offers, one runs the line, any thread may {@link #stop()} it.
 */
final class DelayLine implements Runnable {
  /** Writes a chunk onward. */
  @FunctionalInterface
  interface Sink {
    void write(byte[] b, int off, int len) throws IOException;
  }

  /** Bytes due at a time; an {@code end} chunk, queued by {@link #finish()}, ends delivery. */
  private static final class Chunk {
    final byte[] bytes;
    final long dueNanos;
    final boolean end;

    Chunk(byte[] bytes, long dueNanos, boolean end) {
      this.bytes = bytes;
      this.dueNanos = dueNanos;
      this.end = end;
    }
  }

  private final long latencyNanos;
  private final long maxQueuedBytes;
  private final Sink sink;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean stopped;
  private boolean done;
  private @Nullable IOException failure;

  DelayLine(Duration latency, long maxQueuedBytes, Sink sink) {
    this.latencyNanos = latency.toNanos();
    this.maxQueuedBytes = maxQueuedBytes;
    this.sink = sink;
  }

  /**
   * Queues a copy of the bytes, to be written {@code latency} from now; waits while the line is full.
   *
   * @throws IOException when the line was stopped or delivery failed (the socket closed, or a cut)
   */
  void offer(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    byte[] copy = Arrays.copyOfRange(b, off, off + len);
    lock.lock();
    try {
      while (!stopped && !done && queuedBytes > 0 && queuedBytes + len > maxQueuedBytes) {
        changed.await();
      }
      ended();
      queue.add(new Chunk(copy, System.nanoTime() + latencyNanos, false));
      queuedBytes += len;
      changed.signalAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while offering to the delay line");
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every chunk offered so far has been written, then ends delivery.
   *
   * @throws IOException when the line was stopped first or delivery failed
   */
  void finish() throws IOException {
    lock.lock();
    try {
      if (!stopped && !done) {
        queue.add(new Chunk(new byte[0], 0, true));
        changed.signalAll();
      }
      while (!stopped && !done) {
        changed.await();
      }
      if (failure != null || stopped) {
        ended();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while finishing the delay line");
    } finally {
      lock.unlock();
    }
  }

  /** Drops what is queued and ends delivery. Idempotent, never throws. */
  void stop() {
    lock.lock();
    try {
      stopped = true;
      queue.clear();
      queuedBytes = 0;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Delivers chunks when they are due until {@link #finish()}, {@link #stop()} or a failed write. */
  @Override
  public void run() {
    try {
      Chunk c;
      while ((c = next()) != null && !c.end) {
        sink.write(c.bytes, 0, c.bytes.length);
      }
    } catch (IOException e) {
      lock.lock();
      try {
        failure = e;
      } finally {
        lock.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.lock();
      try {
        done = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** The next chunk once it is due, or null when stopped. */
  private @Nullable Chunk next() throws InterruptedException {
    lock.lock();
    try {
      while (!stopped && queue.isEmpty()) {
        changed.await();
      }
      if (stopped) {
        return null;
      }
      Chunk c = queue.getFirst();
      long wait;
      while (!stopped && (wait = c.dueNanos - System.nanoTime()) > 0) {
        changed.awaitNanos(wait);
      }
      if (stopped) {
        return null;
      }
      queue.removeFirst();
      queuedBytes -= c.bytes.length;
      changed.signalAll();
      return c;
    } finally {
      lock.unlock();
    }
  }

  /** Throws when delivery has ended; call with the lock held. */
  private void ended() throws IOException {
    if (failure != null) {
      throw new IOException("delivery ended: " + failure.getMessage(), failure);
    }
    if (stopped || done) {
      throw new IOException("the delay line is closed");
    }
  }

  @Override
  public String toString() {
    return "DelayLine[" + TimeUnit.NANOSECONDS.toMillis(latencyNanos) + " ms]";
  }
}
