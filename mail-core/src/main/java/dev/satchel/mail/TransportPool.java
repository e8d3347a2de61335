package dev.satchel.mail;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread-safe sender that keeps a bounded number of SMTP connections open and shares them between
 * threads. Each send borrows one connection (opening one when none is idle and the bound allows),
 * sends over it, and gives it back.
 *
 * <pre>{@code
 * try (TransportPool pool = TransportPool.builder(smtpSettings).maxConnections(4).build()) {
 *   SendResult result = pool.send(message);   // from any thread
 * }
 * }</pre>
 *
 * <p>Defaults: at most 4 connections, 100 messages per connection before it is replaced, idle
 * connections closed after 30 seconds, a send waits at most 30 seconds for a free connection, and
 * {@link #close()} waits at most 30 seconds for sends in flight. Every wait is finite.
 *
 * <p>A connection that failed ({@link MailConnectionException}) is discarded, never handed out again.
 * A message the server refused ({@link MailCommandException}) leaves the connection usable.
 *
 * <p><b>Sending without threads of your own.</b> {@link #sendAsync(OutgoingMessage)} and
 * {@link #sendAll(Collection)} queue messages for the pool's own sender threads (as many as
 * {@link Builder#maxConnections(int) maxConnections}, started on demand, ended when idle) and return
 * one {@link CompletableFuture} per message:
 *
 * <pre>{@code
 * List<CompletableFuture<SendResult>> results = pool.sendAll(messages);   // input order
 * for (CompletableFuture<SendResult> f : results) {
 *   try {
 *     SendResult r = f.join();
 *     r.rejected().forEach(...);                        // per-recipient refusals
 *   } catch (CompletionException e) {
 *     // e.getCause(): the same exceptions send() throws, e.g. MailDeliveryUnknownException
 *   }
 * }
 * }</pre>
 *
 * <p>A message that fails completes only its own future exceptionally, with exactly the exception
 * {@link #send(OutgoingMessage, SendOptions)} would have thrown; the others go on. At most
 * {@link Builder#maxQueuedMessages(int) maxQueuedMessages} (default 10,000) messages wait at once;
 * when the queue is full, {@code sendAsync} and {@code sendAll} block the submitting thread until a
 * message leaves the queue (backpressure), at most the acquire timeout per message, and after that
 * return a future failed with a {@link MailConnectionException} ("queue full"; nothing was sent).
 * {@link #close()} lets queued messages go out within the close timeout; those still waiting then
 * are completed with a {@link CancellationException} (never sent, safe to send again), and messages
 * in flight complete when their send ends (every send wait is finite). No future is left hanging.
 *
 * <p>Thread-safe. {@link #close()} is idempotent and never throws.
 */
public final class TransportPool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TransportPool.class);

  /** Default bound on open connections: 4. */
  public static final int DEFAULT_MAX_CONNECTIONS = 4;
  /** Default number of messages sent over one connection before it is closed and replaced: 100. */
  public static final int DEFAULT_MAX_MESSAGES_PER_CONNECTION = 100;
  /** Default time an unused connection stays open: 30 seconds. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** Default time a send waits for a free connection: 30 seconds. */
  public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(30);
  /** Default time {@link #close()} waits for sends in flight: 30 seconds. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);
  /** Default bound on messages queued by {@link #sendAsync} and {@link #sendAll} and not yet started: 10,000. */
  public static final int DEFAULT_MAX_QUEUED_MESSAGES = 10_000;

  private final Supplier<Transport> connector;
  private final String description;
  private final int maxConnections;
  private final int maxMessagesPerConnection;
  private final Duration idleTimeout;
  private final Duration acquireTimeout;
  private final Duration closeTimeout;
  private final Semaphore permits;
  private final Deque<Pooled> idle = new ArrayDeque<>();
  private final ScheduledExecutorService reaper;
  private final Semaphore queueSlots;
  private final ThreadPoolExecutor senders;
  private boolean accepting = true;
  private boolean closed;

  private TransportPool(Builder b) {
    this.connector = b.connector;
    this.description = b.description;
    this.maxConnections = b.maxConnections;
    this.maxMessagesPerConnection = b.maxMessagesPerConnection;
    this.idleTimeout = b.idleTimeout;
    this.acquireTimeout = b.acquireTimeout;
    this.closeTimeout = b.closeTimeout;
    this.permits = new Semaphore(maxConnections, true);
    this.queueSlots = new Semaphore(b.maxQueuedMessages, true);
    AtomicInteger senderCount = new AtomicInteger();
    // the queue is unbounded, but queueSlots admits at most maxQueuedMessages into it
    this.senders = new ThreadPoolExecutor(maxConnections, maxConnections, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "satchel-transport-pool-sender-" + senderCount.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    senders.allowCoreThreadTimeOut(true);
    this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "satchel-transport-pool-reaper");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(100, Math.min(idleTimeout.toMillis() / 2, 10_000));
    reaper.scheduleWithFixedDelay(this::closeExpired, period, period, TimeUnit.MILLISECONDS);
  }

  /** A builder for a pool that opens connections with {@link Transport#connect(MailSettings)}. */
  public static Builder builder(MailSettings settings) {
    Objects.requireNonNull(settings, "settings");
    if (settings.protocol() != Protocol.SMTP) {
      throw new IllegalArgumentException("TransportPool needs SMTP settings, was " + settings.protocol());
    }
    return new Builder(() -> Transport.connect(settings), settings.server().toString());
  }

  /**
   * Sends one message with {@link SendOptions#defaults()} over a pooled connection.
   *
   * @throws IllegalStateException when the pool is closed
   * @throws MailConnectionException when no connection became free within the acquire timeout, or
   *     the connection failed (see {@link Transport#send(OutgoingMessage, SendOptions)})
   * @throws MailCommandException when the server refused the message as a whole
   */
  public SendResult send(OutgoingMessage message) {
    return send(message, SendOptions.defaults());
  }

  /**
   * Sends one message over a pooled connection.
   *
   * @throws IllegalStateException when the pool is closed
   * @throws MailConnectionException when no connection became free within the acquire timeout, or
   *     the connection failed (see {@link Transport#send(OutgoingMessage, SendOptions)})
   * @throws MailCommandException when the server refused the message as a whole
   */
  public SendResult send(OutgoingMessage message, SendOptions options) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(options, "options");
    checkOpen();
    return sendPooled(message, options);
  }

  /**
   * Queues one message, with {@link SendOptions#defaults()}, for the pool's sender threads.
   *
   * @return a future completed with the result, or exceptionally with what {@link #send(OutgoingMessage)}
   *     would have thrown; see the class documentation for a full queue and for {@link #close()}
   * @throws IllegalStateException when the pool is closed
   */
  public CompletableFuture<SendResult> sendAsync(OutgoingMessage message) {
    return sendAsync(message, SendOptions.defaults());
  }

  /**
   * Queues one message for the pool's sender threads. Cancelling the future before its send
   * started keeps the message from being sent; a send already started is not interrupted.
   *
   * @return a future completed with the result, or exceptionally with what
   *     {@link #send(OutgoingMessage, SendOptions)} would have thrown
   * @throws IllegalStateException when the pool is closed
   */
  public CompletableFuture<SendResult> sendAsync(OutgoingMessage message, SendOptions options) {
    return submit(message, options, acquireTimeout);
  }

  private CompletableFuture<SendResult> submit(OutgoingMessage message, SendOptions options, Duration wait) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(options, "options");
    checkOpen();
    CompletableFuture<SendResult> future = new CompletableFuture<>();
    try {
      if (!queueSlots.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        future.completeExceptionally(new MailConnectionException("SMTP pool for " + description
            + ": queue full, the message was not sent (raise maxQueuedMessages or acquireTimeout, or submit less at once)"));
        return future;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.completeExceptionally(new MailConnectionException(
          "interrupted while waiting for room in the SMTP pool's queue for " + description + "; not sent", e));
      return future;
    }
    AsyncSend task = new AsyncSend(message, options, future);
    synchronized (this) {
      if (!accepting) {
        queueSlots.release();
        throw new IllegalStateException("TransportPool for " + description + " is closed");
      }
      senders.execute(task);
    }
    return future;
  }

  /**
   * Queues every message, with {@link SendOptions#defaults()}, for the pool's sender threads.
   *
   * @return one future per message, in the order of {@code messages}
   * @throws IllegalStateException when the pool is closed
   */
  public List<CompletableFuture<SendResult>> sendAll(Collection<OutgoingMessage> messages) {
    return sendAll(messages, SendOptions.defaults());
  }

  /**
   * Queues every message for the pool's sender threads, all with the same options. When the queue is
   * full this blocks until there is room (see the class documentation); once a message found no room
   * within the acquire timeout, the messages after it that find no room at once fail the same way
   * without waiting again, so a stalled server cannot hold this call for one timeout per message.
   *
   * @return one future per message, in the order of {@code messages}
   * @throws IllegalStateException when the pool is closed
   */
  public List<CompletableFuture<SendResult>> sendAll(Collection<OutgoingMessage> messages, SendOptions options) {
    Objects.requireNonNull(options, "options");
    List<OutgoingMessage> copy = List.copyOf(messages);
    List<CompletableFuture<SendResult>> futures = new ArrayList<>(copy.size());
    Duration wait = acquireTimeout;
    for (OutgoingMessage m : copy) {
      CompletableFuture<SendResult> f = submit(m, options, wait);
      if (f.isCompletedExceptionally()) {
        wait = Duration.ZERO;
      }
      futures.add(f);
    }
    return futures;
  }

  private SendResult sendPooled(OutgoingMessage message, SendOptions options) {
    acquirePermit();
    Pooled pooled = null;
    boolean reusable = false;
    try {
      pooled = takeIdle();
      if (pooled == null) {
        pooled = new Pooled(connector.get());
      }
      SendResult result;
      try {
        result = pooled.transport.send(message, options);
      } catch (MailCommandException e) {
        reusable = true;
        throw e;
      }
      reusable = true;
      return result;
    } finally {
      if (pooled != null) {
        giveBack(pooled, reusable);
      }
      permits.release();
    }
  }

  /** How many connections are open and idle right now; for monitoring. */
  public synchronized int idleConnections() {
    return idle.size();
  }

  /**
   * Stops accepting sends, lets queued messages ({@link #sendAsync}) go out and sends in flight end
   * within the close timeout, completes the futures of messages still queued then with a
   * {@link CancellationException} (not sent), and closes every connection. Idempotent; never throws.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (!accepting) {
        return;
      }
      accepting = false;
      senders.shutdown(); // queued messages still go out, until the deadline below
    }
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    boolean drained = false;
    try {
      if (!senders.awaitTermination(closeTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
        cancelQueued();
      }
      synchronized (this) {
        closed = true;
      }
      reaper.shutdownNow();
      closeAll(drainIdle());
      long left = Math.max(0, deadline - System.nanoTime());
      drained = permits.tryAcquire(maxConnections, left, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancelQueued();
      synchronized (this) {
        closed = true;
      }
      reaper.shutdownNow();
    }
    if (!drained) {
      log.warn("SMTP pool for {}: sends still in flight after {}; their connections close when they finish",
          description, closeTimeout);
    }
    closeAll(drainIdle());
  }

  @Override
  public String toString() {
    return "TransportPool[" + description + ", maxConnections=" + maxConnections + ", maxMessagesPerConnection="
        + maxMessagesPerConnection + ", idleTimeout=" + idleTimeout + "]";
  }

  private void cancelQueued() {
    List<Runnable> queued = new ArrayList<>();
    senders.getQueue().drainTo(queued);
    for (Runnable r : queued) {
      if (r instanceof AsyncSend) {
        ((AsyncSend) r).cancel("not sent: TransportPool for " + description + " closed before this message's turn");
      }
    }
  }

  private synchronized void checkOpen() {
    if (!accepting) {
      throw new IllegalStateException("TransportPool for " + description + " is closed");
    }
  }

  private void acquirePermit() {
    try {
      if (!permits.tryAcquire(acquireTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new MailConnectionException("no SMTP connection to " + description + " became free within " + acquireTimeout
            + " (all " + maxConnections + " in use); raise maxConnections or acquireTimeout, or send less at once");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MailConnectionException("interrupted while waiting for a free SMTP connection to " + description, e);
    }
  }

  private @Nullable Pooled takeIdle() {
    List<Pooled> expired = new ArrayList<>();
    Pooled found = null;
    synchronized (this) {
      long now = System.nanoTime();
      while (!idle.isEmpty()) {
        Pooled p = idle.pollFirst();
        if (now - p.lastUsedNanos >= idleTimeout.toNanos()) {
          expired.add(p);
        } else {
          found = p;
          break;
        }
      }
    }
    closeAll(expired);
    return found;
  }

  private void giveBack(Pooled pooled, boolean reusable) {
    pooled.sent++;
    boolean keep = reusable && pooled.sent < maxMessagesPerConnection;
    if (keep) {
      synchronized (this) {
        if (!closed) {
          pooled.lastUsedNanos = System.nanoTime();
          idle.addFirst(pooled); // most recently used first: the others age out
          return;
        }
      }
    }
    pooled.transport.close();
  }

  private void closeExpired() {
    List<Pooled> expired = new ArrayList<>();
    synchronized (this) {
      long now = System.nanoTime();
      idle.removeIf(p -> {
        if (now - p.lastUsedNanos >= idleTimeout.toNanos()) {
          expired.add(p);
          return true;
        }
        return false;
      });
    }
    closeAll(expired);
  }

  private synchronized List<Pooled> drainIdle() {
    List<Pooled> all = new ArrayList<>(idle);
    idle.clear();
    return all;
  }

  private static void closeAll(List<Pooled> list) {
    for (Pooled p : list) {
      try {
        p.transport.close();
      } catch (RuntimeException e) {
        log.debug("closing a pooled SMTP connection failed", e);
      }
    }
  }

  /** One queued message and its future. */
  private final class AsyncSend implements Runnable {
    private final OutgoingMessage message;
    private final SendOptions options;
    private final CompletableFuture<SendResult> future;

    AsyncSend(OutgoingMessage message, SendOptions options, CompletableFuture<SendResult> future) {
      this.message = message;
      this.options = options;
      this.future = future;
    }

    @Override
    public void run() {
      queueSlots.release();
      if (future.isDone()) {
        return; // cancelled by the caller before its turn
      }
      try {
        future.complete(sendPooled(message, options));
      } catch (RuntimeException | Error e) {
        future.completeExceptionally(e);
      }
    }

    void cancel(String why) {
      queueSlots.release();
      future.completeExceptionally(new CancellationException(why));
    }
  }

  private static final class Pooled {
    final Transport transport;
    int sent;
    long lastUsedNanos = System.nanoTime();

    Pooled(Transport transport) {
      this.transport = transport;
    }
  }

  /** Builds a {@link TransportPool}. Not thread-safe. */
  public static final class Builder {
    private final Supplier<Transport> connector;
    private final String description;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxMessagesPerConnection = DEFAULT_MAX_MESSAGES_PER_CONNECTION;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration acquireTimeout = DEFAULT_ACQUIRE_TIMEOUT;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private int maxQueuedMessages = DEFAULT_MAX_QUEUED_MESSAGES;

    private Builder(Supplier<Transport> connector, String description) {
      this.connector = connector;
      this.description = description;
    }

    /**
     * The most connections open at once. Default 4.
     *
     * @throws IllegalArgumentException unless 1..1000
     */
    public Builder maxConnections(int max) {
      if (max < 1 || max > 1000) {
        throw new IllegalArgumentException("maxConnections must be 1..1000, was " + max);
      }
      this.maxConnections = max;
      return this;
    }

    /**
     * How many messages one connection sends before it is closed and replaced. Default 100.
     *
     * @throws IllegalArgumentException unless positive
     */
    public Builder maxMessagesPerConnection(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxMessagesPerConnection must be positive, was " + max);
      }
      this.maxMessagesPerConnection = max;
      return this;
    }

    /**
     * How long an unused connection stays open. Default 30 seconds.
     *
     * @throws IllegalArgumentException unless positive and at most one day
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = check("idleTimeout", timeout);
      return this;
    }

    /**
     * How long a send waits for a free connection before failing. Default 30 seconds.
     *
     * @throws IllegalArgumentException unless positive and at most one day
     */
    public Builder acquireTimeout(Duration timeout) {
      this.acquireTimeout = check("acquireTimeout", timeout);
      return this;
    }

    /**
     * How long {@link TransportPool#close()} waits for sends in flight. Default 30 seconds.
     *
     * @throws IllegalArgumentException unless positive and at most one day
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = check("closeTimeout", timeout);
      return this;
    }

    /**
     * The most messages queued by {@link TransportPool#sendAsync} and {@link TransportPool#sendAll}
     * and not yet started; a submission beyond it waits for room (see the class documentation).
     * Default 10,000.
     *
     * @throws IllegalArgumentException unless 1..1,000,000
     */
    public Builder maxQueuedMessages(int max) {
      if (max < 1 || max > 1_000_000) {
        throw new IllegalArgumentException("maxQueuedMessages must be 1..1000000, was " + max);
      }
      this.maxQueuedMessages = max;
      return this;
    }

    /** Builds the pool; no connection is opened until the first send. */
    public TransportPool build() {
      return new TransportPool(this);
    }

    private static Duration check(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException(name + " must be positive and at most 1 day, was " + d);
      }
      return d;
    }
  }
}
