package dev.satchel.mail.jdbc;

import dev.satchel.mail.InboxProcessor;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link InboxProcessor} that runs only while it holds its lease, so that several instances of a
 * service can be pointed at one inbox and only one of them processes it at a time.
 *
 * <pre>{@code
 * try (LeasedProcessor processor = LeasedProcessor.builder(leases, store)
 *     .owner(instanceId)
 *     .processor(InboxProcessor.builder().settings(imap).handler(orders::importFrom).afterHandling(AfterHandling.delete()))
 *     .build()) {
 *   Optional<InboxProcessor.Report> report = processor.runOnce(); // empty: another instance holds the lease
 * }
 * }</pre>
 *
 * <p>{@link #runOnce()} runs once; {@link #start(Duration, InboxProcessor.Listener)} runs on a daemon
 * thread at an interval.
 *
 * <p><b>A run</b> takes the lease on the processor's state key ({@link JdbcLeases#tryAcquire}), runs
 * the processor once, and releases the lease. While it runs, a background thread renews the lease
 * every third of its ttl. The processor is built with this store {@linkplain
 * JdbcSyncStateStore#fenced fenced} by the lease of the run and with a {@link InboxProcessor.Guard}:
 *
 * <ul>
 *   <li>before each message is handed over, the guard checks that the last renewal succeeded and that
 *       less than a ttl passed since it was sent (on this JVM's monotonic clock): no database round trip;
 *   <li>before each action on the server (mark seen, move, delete, quarantine) it also checks the
 *       lease row in the database;
 *   <li>each state save checks and locks the lease row in its own transaction, and writes nothing
 *       when the token is stale.
 * </ul>
 *
 * When one of these fails, the run ends with {@link LeaseLostException}: no further message is handed
 * over and nothing more is acknowledged or saved. A handler already running finishes (it is not
 * interrupted); its message was not recorded, so the new holder hands it over again. Those
 * messages, and the ones handled since the last save, are the duplicates a lost lease costs.
 *
 * <p>What is not fenced: the IMAP or POP3 server knows nothing of tokens, so an action checked at the
 * database a moment before it is sent can still reach the server after another instance took over
 * (one round trip's window). A POP3 deletion is committed by QUIT when the run closes its session, for
 * messages that were handled.
 *
 * <p>Thread-safe: runs never overlap (a second caller waits). Close it to stop the renewal thread.
 */
public final class LeasedProcessor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeasedProcessor.class);

  /** Default lease ttl: 30 seconds. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  private final JdbcLeases leases;
  private final InboxProcessor processor;
  private final String key;
  private final String owner;
  private final Duration ttl;
  private final ScheduledExecutorService renewer;
  private final ReentrantLock runLock = new ReentrantLock();
  private volatile @Nullable Tenure current;
  private volatile boolean closed;
  private volatile @Nullable LeasedLoop loop;

  private LeasedProcessor(Builder b, JdbcLeases leases, JdbcSyncStateStore store, InboxProcessor.Builder processorBuilder) {
    this.leases = leases;
    this.owner = b.owner;
    this.ttl = b.ttl;
    this.processor = processorBuilder.stateStore(store.fenced(this::lease)).guard(this::check).build();
    String k = b.leaseKey;
    this.key = k != null ? k : processor.stateKey();
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "satchel-lease-renewer " + key);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * A builder over these leases and this store, which must use the same database and table prefix.
   */
  public static Builder builder(JdbcLeases leases, JdbcSyncStateStore store) {
    return new Builder(leases, store);
  }

  /**
   * Runs the processor once if this instance gets the lease: takes it, runs, releases it.
   *
   * @return the run's report, or empty when another owner holds the lease
   * @throws LeaseLostException when the lease was lost during the run; what was saved before stays
   * @throws dev.satchel.mail.MailException and the other exceptions of {@link InboxProcessor#runOnce()}
   * @throws java.io.UncheckedIOException when the database fails
   * @throws IllegalStateException when it was closed
   */
  public Optional<InboxProcessor.Report> runOnce() {
    runLock.lock();
    try {
      if (closed) {
        throw new IllegalStateException(this + " is closed");
      }
      long asked = System.nanoTime(); // before the database's clock started this lease's ttl
      Optional<Lease> got = leases.tryAcquire(key, owner, ttl);
      if (got.isEmpty()) {
        LOG.debug("{}: another instance holds the lease; not running", key);
        return Optional.empty();
      }
      Tenure tenure = new Tenure(got.get(), asked);
      current = tenure;
      long period = Math.max(1, ttl.toMillis() / 3);
      ScheduledFuture<?> renewal = renewer.scheduleWithFixedDelay(() -> renew(tenure), period, period, TimeUnit.MILLISECONDS);
      try {
        return Optional.of(processor.runOnce());
      } finally {
        renewal.cancel(false);
        current = null;
        if (!tenure.lost) {
          try {
            leases.release(tenure.lease);
          } catch (RuntimeException e) {
            LOG.warn("{}: releasing the lease failed; it expires by itself within {}", key, ttl, e);
          }
        }
      }
    } finally {
      runLock.unlock();
    }
  }

  /**
   * Runs on a daemon thread: {@link #runOnce()} now, then every {@code interval}, and at once after
   * {@link InboxProcessor.Running#runNow()}. Each run takes the lease, runs and releases it; when
   * another instance holds it the run does nothing. Closing the returned loop ends a run in progress
   * before its next message or server action. Unlike {@link InboxProcessor#start}, it does not run on
   * IMAP push, and a failed message is handed over again at each run (until {@code maxFailures}) rather
   * than after a backoff. A run that fails (a lost lease, a lost connection, the database) is reported
   * to the listener and the loop goes on; a configuration error ({@link
   * dev.satchel.mail.UnsupportedCapabilityException}) stops it.
   *
   * @param interval how long between runs; at least 1 second
   * @param listener told about each run that held the lease and each failure; must return quickly
   * @return the running loop; close it to stop
   * @throws IllegalArgumentException when {@code interval} is below 1 second
   * @throws IllegalStateException when this processor is closed or already started
   */
  public InboxProcessor.Running start(Duration interval, InboxProcessor.Listener listener) {
    Objects.requireNonNull(listener, "listener");
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("interval must be at least 1 second, was " + interval);
    }
    synchronized (renewer) {
      if (closed) {
        throw new IllegalStateException(this + " is closed");
      }
      LeasedLoop running = loop;
      if (running != null && running.isRunning()) {
        throw new IllegalStateException(this + " is started already; close its loop first");
      }
      LeasedLoop started = new LeasedLoop(this, interval, listener);
      loop = started;
      return started.begin();
    }
  }

  private void renew(Tenure tenure) {
    long sent = System.nanoTime();
    try {
      Optional<Lease> renewed = leases.renew(tenure.lease);
      if (renewed.isPresent()) {
        tenure.validUntil = sent + ttl.toNanos();
      } else {
        tenure.lose("its renewal found it taken over or released");
      }
    } catch (RuntimeException e) {
      // Not lost yet: the lease holds until its expiry, which the guard checks on the local clock.
      LOG.warn("{}: renewing the lease failed; the run stops when it expires unless a renewal gets through", key, e);
    }
  }

  /** The lease of the current run, for the fenced store. */
  private Lease lease() {
    Tenure t = current;
    if (t == null) {
      throw new IllegalStateException("the processor of a LeasedProcessor saves only inside LeasedProcessor.runOnce()");
    }
    return t.lease;
  }

  /** The processor's guard: local checks before a hand-over, the database too before a server action. */
  private void check(InboxProcessor.Guard.Step step) {
    Tenure t = current;
    if (t == null) {
      throw new IllegalStateException("the processor of a LeasedProcessor runs only inside LeasedProcessor.runOnce()");
    }
    LeasedLoop running = loop;
    if (running != null && running.isLoopThread() && !running.isRunning()) {
      throw new IllegalStateException(this + " was stopped; ending the run before " + step);
    }
    String why = t.lost ? t.why : System.nanoTime() - t.validUntil >= 0 ? "no renewal got through within its ttl of " + ttl : null;
    if (why == null && step == InboxProcessor.Guard.Step.SERVER_ACTION) {
      Optional<String> notHeld = leases.whyNotHeld(t.lease);
      if (notHeld.isPresent()) {
        t.lose(notHeld.get());
        why = t.why;
      }
    }
    if (why != null) {
      throw new LeaseLostException(key, owner, t.lease.token(), why + "; stopping before " + step);
    }
  }

  /** The lease key: the processor's state key unless {@link Builder#leaseKey} gave another. */
  public String leaseKey() {
    return key;
  }

  /** This instance's owner name in the lease table. */
  public String owner() {
    return owner;
  }

  /**
   * Stops the loop of {@link #start} (waiting up to 30 seconds for its run to end) and the renewal
   * thread; a run in progress on another thread loses its renewals (and stops once its lease runs
   * out), and later runs are refused. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    LeasedLoop running = loop;
    if (running != null) {
      running.close();
    }
    renewer.shutdownNow();
  }

  @Override
  public String toString() {
    return "LeasedProcessor[key=" + key + ", owner=" + owner + ", ttl=" + ttl + "]";
  }

  /** One run's hold on the lease. */
  private static final class Tenure {
    final Lease lease;
    /** System.nanoTime() before which the lease surely holds (a ttl after the last renewal was sent). */
    volatile long validUntil;
    volatile boolean lost;
    volatile String why = "";

    Tenure(Lease lease, long acquiredNanos) {
      this.lease = lease;
      this.validUntil = acquiredNanos + lease.ttl().toNanos();
    }

    void lose(String reason) {
      why = reason;
      lost = true;
    }
  }

  /** Builds a {@link LeasedProcessor}. Not thread-safe. */
  public static final class Builder {
    private final JdbcLeases leases;
    private final JdbcSyncStateStore store;
    private String owner = "instance-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    private Duration ttl = DEFAULT_TTL;
    private @Nullable String leaseKey;
    private InboxProcessor.@Nullable Builder processor;

    private Builder(JdbcLeases leases, JdbcSyncStateStore store) {
      this.leases = Objects.requireNonNull(leases, "leases");
      this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * This instance's name in the lease table; unique across instances. Default {@code
     * "instance-<pid>-<random>"}.
     *
     * @throws IllegalArgumentException when blank or longer than 200 characters
     */
    public Builder owner(String owner) {
      this.owner = JdbcLeases.checkOwner(owner);
      return this;
    }

    /**
     * How long the lease lasts without renewal: a crashed instance is replaced after at most this
     * long. Renewed every third of it. Default {@link #DEFAULT_TTL} (30 seconds).
     *
     * @throws IllegalArgumentException when below 1 millisecond
     */
    public Builder ttl(Duration ttl) {
      this.ttl = JdbcLeases.checkTtl(ttl);
      return this;
    }

    /**
     * The lease key. Default: the processor's {@linkplain InboxProcessor#stateKey() state key}, so
     * that the lease guards exactly the state it fences.
     *
     * @throws IllegalArgumentException when blank or longer than 1000 characters
     */
    public Builder leaseKey(String key) {
      this.leaseKey = JdbcLeases.checkKey(key);
      return this;
    }

    /**
     * The processor to run, configured except for its state store and guard, which {@link #build()}
     * sets on this builder (the fenced store and the lease check). Required.
     */
    public Builder processor(InboxProcessor.Builder processor) {
      this.processor = Objects.requireNonNull(processor, "processor");
      return this;
    }

    /**
     * Builds it.
     *
     * @throws IllegalStateException when no processor was given, or the processor's builder refuses
     */
    public LeasedProcessor build() {
      InboxProcessor.Builder p = processor;
      if (p == null) {
        throw new IllegalStateException("processor(InboxProcessor.builder()...) is required");
      }
      return new LeasedProcessor(this, leases, store, p);
    }
  }
}
