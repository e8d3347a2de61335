package dev.satchel.mail;

import dev.satchel.mail.events.MailEventListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every new message in a folder to a {@link MessageHandler}, once in effect, and acknowledges it
 * on the server only after the handler returned: at least once, never lost.
 *
 * <pre>{@code
 * InboxProcessor processor = InboxProcessor.builder()
 *     .settings(pop3Settings)                               // or IMAP settings, or .mailboxes(supplier)
 *     .stateStore(SyncStateStore.file(Path.of("state")))
 *     .handler(message -> orders.importFrom(message))
 *     .afterHandling(AfterHandling.delete())                // POP3: delete after download
 *     .build();
 * InboxProcessor.Report report = processor.runOnce();       // or processor.start(Duration.ofMinutes(1))
 * }</pre>
 *
 * <p><b>A run</b> opens a {@link Mailbox}, asks {@link Mailbox#changesSince} what is new against the
 * saved state, and for each new message, oldest first: downloads it, calls the handler, applies the
 * {@link AfterHandling} action, and records it as handled. Nothing is recorded, and no action taken,
 * before its handler returned. Messages that were handled but whose action did not take (a POP3
 * session dropped before QUIT, a move that failed) get the action again on the next run without being
 * handed over again.
 *
 * <p><b>Saving the state.</b> The state is saved at the start and end of every run, when a run fails,
 * after a dead letter, and otherwise at most once per {@link Builder#stateSaveInterval} (default 1
 * second) while messages are handled. Saving after every message (interval zero) rewrites the whole
 * state each time: a first run over 2,000 new messages then spends most of its time in 2,000 file
 * writes and fsyncs (measured: about 30 seconds with {@link SyncStateStore#file}), growing
 * quadratically in bytes written with the size of the inbox. With the default, a crash loses at most
 * about one second of records, and those messages are handed over again (never lost). A POP3
 * deletion is committed by QUIT only after the run's last save. The state is kept under
 * {@link #stateKey()}: by default the account and the folder, not the port (see
 * {@link Builder#stateKey(String)}).
 *
 * <p><b>Failures.</b> A handler that throws leaves its message unacknowledged. {@link #runOnce()}
 * hands it over again on its next call; a processor {@linkplain #start started} on its own thread
 * retries it after a backoff (1 second doubling up to 5 minutes by default, see {@link
 * Builder#retryBackoff}), without waiting for the next interval. After {@link Builder#maxFailures(int)}
 * failed attempts the message goes to the dead-letter handler instead, which receives the whole
 * message as a {@link DeadLetter} (or its summary, with a {@link DeadLetterHandler}); it is recorded
 * as dead-lettered, never handed over again, and stays on the server untouched or moves to a
 * quarantine folder ({@link AfterDeadLetter}). A lost connection ends the run with a {@link
 * MailException}; what was handled up to then is saved, and a POP3 session cut before its QUIT
 * deletes nothing. The only duplicates: messages whose handler returned but whose record was not yet
 * saved when the process died (at most one {@link Builder#stateSaveInterval} of them) are handed over
 * again.
 *
 * <p><b>Changed ids.</b> When an IMAP folder's UIDVALIDITY changes, every saved UID is void and
 * every message still in the folder counts as new: nothing is lost, and each is handed over again.
 * With {@link AfterHandling#delete()} or {@link AfterHandling#moveTo} only unhandled messages are
 * left in the folder, so that gives no duplicates; with {@code leave()} or {@code markSeen()} it gives
 * one per message.
 *
 * <p>Thread-safe: runs never overlap (a second caller waits). Build one processor per folder and
 * state key.
 */
public final class InboxProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(InboxProcessor.class);

  /** Default number of failed attempts before a message goes to the dead-letter handler: 5. */
  public static final int DEFAULT_MAX_FAILURES = 5;

  /** Default longest time a handled message's record waits to be saved: 1 second. */
  public static final Duration DEFAULT_STATE_SAVE_INTERVAL = Duration.ofSeconds(1);

  /** Default wait of a running processor before it retries a message whose handler failed once: 1 second. */
  public static final Duration DEFAULT_FIRST_RETRY = Duration.ofSeconds(30);

  /** Default longest wait of a running processor before it retries a failed message: 5 minutes. */
  public static final Duration DEFAULT_MAX_RETRY = Duration.ofMinutes(5);

  // Package-private for ProcessorRun, which carries out one run with them.
  final Supplier<Mailbox> mailboxes;
  final SyncStateStore store;
  final String stateKey;
  /** Keys an earlier version used for the same account and folder; looked at when nothing is under stateKey. */
  final List<String> earlierKeys;
  /** "for IMAP account alice on host:993 (state key ...)", for messages. */
  final String account;
  final String folderName;
  final MessageHandler handler;
  final AfterHandling afterHandling;
  final AfterDeadLetter afterDeadLetter;
  final int maxFailures;
  final DeadLetter.Handler deadLetters;
  final Clock clock;
  final long saveIntervalNanos;
  final RetrySchedule retries;
  final Guard guard;
  /** The event listener and account name of the settings; NOOP for {@code mailboxes(...)}. */
  final MailEventListener events;
  final String accountName;
  private final ReentrantLock runLock = new ReentrantLock();
  private volatile boolean pushOffered;

  private InboxProcessor(Builder b, Supplier<Mailbox> mailboxes, SyncStateStore store, MessageHandler handler,
      AfterHandling afterHandling, String stateKey, List<String> earlierKeys, String account) {
    this.mailboxes = mailboxes;
    this.account = account;
    this.store = store;
    this.handler = handler;
    this.afterHandling = afterHandling;
    this.afterDeadLetter = b.afterDeadLetter;
    this.stateKey = stateKey;
    this.earlierKeys = List.copyOf(earlierKeys);
    this.folderName = b.folder;
    this.maxFailures = b.maxFailures;
    this.deadLetters = b.deadLetters;
    this.clock = b.clock;
    this.saveIntervalNanos = b.saveInterval.toNanos();
    this.retries = new RetrySchedule(b.firstRetry, b.maxRetry);
    this.guard = b.guard;
    MailSettings s = b.settings;
    this.events = s == null ? MailEventListener.NOOP : s.eventListener();
    this.accountName = s == null ? "mailboxes" : s.accountName();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The counts of one run.
   *
   * @param found messages not handled before, handed over in this run (or failing to download)
   * @param handled messages whose handler returned normally in this run
   * @param failed handler or download failures in this run
   * @param deadLettered messages given to the dead-letter handler in this run
   * @param acknowledged after-handling actions applied in this run, including ones redone for messages
   *     handled in earlier runs
   */
  public record Report(int found, int handled, int failed, int deadLettered, int acknowledged) {}

  /**
   * Runs once: connects, hands over every message not handled before, acknowledges, and closes.
   *
   * @return what the run did
   * @throws UnsupportedCapabilityException when the connection cannot do the after-handling action
   *     (or has no stable ids); a configuration error, not worth retrying
   * @throws IllegalStateException when the folder to process, or the folder of {@link
   *     AfterHandling#moveTo(String)} or {@link AfterDeadLetter#moveTo(String)}, does not exist (and the
   *     action does not create it); the message names the folder and the account. Thrown before any
   *     message is handed over.
   * @throws MailException when the connection fails; what was handled up to then stays saved
   * @throws java.io.UncheckedIOException when the state store fails
   */
  public Report runOnce() {
    return run(false);
  }

  /** A run of the loop behind {@link #start}: failed messages wait out their retry backoff. */
  Report runInLoop() {
    return run(true);
  }

  private Report run(boolean honourBackoff) {
    runLock.lock();
    try (Mailbox mailbox = mailboxes.get()) {
      return new ProcessorRun(this, mailbox, honourBackoff).run();
    } finally {
      runLock.unlock();
    }
  }

  /**
   * How long the loop behind {@link #start} waits for its next run: {@code interval}, or less when a
   * failed message is due to be retried sooner.
   */
  Duration nextWait(Duration interval) {
    Optional<Instant> due = retries.next();
    if (due.isEmpty()) {
      return interval;
    }
    Duration untilDue = Duration.between(clock.instant(), due.get());
    if (untilDue.isNegative()) {
      return Duration.ZERO;
    }
    return untilDue.compareTo(interval) < 0 ? untilDue : interval;
  }

  /**
   * Starts running on a daemon thread: now, then every {@code interval}, and at once when an IMAP
   * folder reports new mail by push (IDLE) where the server offers it. A message whose handler threw
   * is retried after its backoff ({@link Builder#retryBackoff}: 30 seconds, doubling, at most 5 minutes
   * by default), sooner than the interval when that is shorter; runs in between (pushed mail) leave it
   * alone until then. Failed runs are retried with exponential backoff (1 second doubling up to 5
   * minutes, with jitter). A configuration error
   * ({@link UnsupportedCapabilityException}) stops the loop and is reported to the listener. A missing
   * folder ({@link IllegalStateException} from {@link #runOnce()}) fails each run before any message
   * is handed over and is retried like a lost connection, so creating the folder lets the loop go on.
   *
   * @param interval how long between runs when nothing is pushed; at least 1 second
   * @param listener told about each run and failure; its methods must return quickly
   * @return the running loop; close it to stop
   * @throws IllegalArgumentException when {@code interval} is below 1 second
   */
  public Running start(Duration interval, Listener listener) {
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("interval must be at least 1 second, was " + interval);
    }
    return ProcessorLoop.start(this, interval, listener);
  }

  /** Shorthand for {@code start(interval, new Listener() {})}: failures are logged only. */
  public Running start(Duration interval) {
    return start(interval, new Listener() {});
  }

  /** The key under which this processor keeps its state. */
  public String stateKey() {
    return stateKey;
  }

  @Override
  public String toString() {
    return "InboxProcessor[key=" + stateKey + ", folder=" + folderName + ", afterHandling=" + afterHandling
        + ", afterDeadLetter=" + afterDeadLetter + ", maxFailures=" + maxFailures + "]";
  }

  boolean pushOffered() {
    return pushOffered;
  }

  void pushOffered(boolean offered) {
    pushOffered = offered;
  }

  Mailbox openMailbox() {
    return mailboxes.get();
  }

  Folder folder(Mailbox mailbox) {
    if (folderName.equalsIgnoreCase(Folder.INBOX)) {
      return mailbox.inbox();
    }
    // Not a MailCommandException: the server refused nothing, it listed no folder of that name.
    return mailbox.folder(folderName).orElseThrow(() -> new IllegalStateException("the folder \"" + folderName
        + "\" to process does not exist " + account + "; nothing was handed over. Check InboxProcessor.Builder.folder(...):"
        + " it takes the full name with the server's hierarchy separator."));
  }

  void checkCapabilities(Set<Capability> capabilities, Protocol protocol) {
    if (!capabilities.contains(Capability.UNIQUE_IDS)) {
      throw new UnsupportedCapabilityException(Capability.UNIQUE_IDS, protocol, "The InboxProcessor must recognise"
          + " messages across sessions, and this server gives them no stable ids (POP3 without UIDL).");
    }
    for (Capability c : afterHandling.requires()) {
      if (!capabilities.contains(c)) {
        throw new UnsupportedCapabilityException(c, protocol, "The after-handling action " + afterHandling
            + " needs it; " + alternatives(protocol));
      }
    }
    for (Capability c : afterDeadLetter.requires()) {
      if (!capabilities.contains(c)) {
        throw new UnsupportedCapabilityException(c, protocol, "The after-dead-letter action AfterDeadLetter."
            + afterDeadLetter + " needs it; " + deadLetterAlternative(protocol));
      }
    }
  }

  static String deadLetterAlternative(Protocol protocol) {
    return protocol == Protocol.POP3
        ? "POP3 has no folders: use AfterDeadLetter.leave() (the message stays on the server, recorded so that it is"
          + " not handed over again) and keep what you need from the DeadLetter, or use the same account's IMAP settings."
        : "this server cannot move messages between folders: use AfterDeadLetter.leave() and keep what you need from"
          + " the DeadLetter.";
  }

  static String alternatives(Protocol protocol) {
    return protocol == Protocol.POP3
        ? "over POP3 choose AfterHandling.leave(), delete() or deleteAfter(age)."
        : "choose an action this server supports, such as AfterHandling.leave() or delete().";
  }

  /**
   * A check the processor makes before each step that another instance must not take at the same
   * time: before it downloads and hands over a message, and before each after-handling or quarantine
   * action on the server. Throwing stops the run at that point: the message is not handed over, or
   * the action is not sent, and the run ends with what was thrown (after a last save of what was
   * handled, which the state store may refuse in turn). A lease-based coordinator (mail-jdbc's
   * {@code LeasedProcessor}) uses it to stop an instance that lost its lease.
   *
   * <p>Called on the processor's thread, once per message and once per action: it must be fast (a
   * look at a flag, or one database round trip for an action) and thread-safe.
   */
  @FunctionalInterface
  public interface Guard {
    /** The guard that allows everything: the default. */
    Guard NONE = step -> {};

    /**
     * Allows the step or throws.
     *
     * @param step what the processor is about to do
     * @throws RuntimeException to stop the run before the step
     */
    void check(Step step);

    /** What the processor is about to do when it asks its {@link Guard}. */
    enum Step {
      /** Download a message and call the handler with it. */
      HAND_OVER,
      /** Change the mailbox on the server: mark seen, move, delete, or quarantine. */
      SERVER_ACTION
    }
  }

  /** A processor running on its own thread, from {@link #start}. Thread-safe. */
  public interface Running extends AutoCloseable {
    /** True until closed, or until a configuration error stopped the loop. */
    boolean isRunning();

    /** Asks for a run as soon as the current one (if any) ends. */
    void runNow();

    /** Stops the loop after the current message and closes its connections. Idempotent; never throws. */
    @Override
    void close();
  }

  /**
   * Hears what a running processor does. Called from the processor's thread; methods must return
   * quickly and not throw (what they throw is logged and ignored). All methods default to nothing.
   */
  public interface Listener {
    /** A run ended normally. */
    default void onRun(Report report) {}

    /** A run failed; the next attempt comes after {@code retryIn}. */
    default void onFailure(Exception cause, Duration retryIn) {}

    /** The loop stopped for good because of a configuration error. */
    default void onStopped(Exception cause) {}
  }

  /** Builds an {@link InboxProcessor}. Not thread-safe. */
  public static final class Builder {
    private @Nullable Supplier<Mailbox> mailboxes;
    private @Nullable MailSettings settings;
    private Function<MailSettings, Mailbox> connector = Mailbox::connect;
    private @Nullable SyncStateStore store;
    private @Nullable String stateKey;
    private String folder = Folder.INBOX;
    private @Nullable MessageHandler handler;
    private @Nullable AfterHandling afterHandling;
    private AfterDeadLetter afterDeadLetter = AfterDeadLetter.leave();
    private int maxFailures = DEFAULT_MAX_FAILURES;
    private DeadLetter.Handler deadLetters = letter -> LOG.warn("giving up on message {} after {} failed attempts",
        letter.summary().uid(), letter.failures());
    private Clock clock = Clock.systemUTC();
    private Duration saveInterval = DEFAULT_STATE_SAVE_INTERVAL;
    private Duration firstRetry = DEFAULT_FIRST_RETRY;
    private Duration maxRetry = DEFAULT_MAX_RETRY;
    private Guard guard = Guard.NONE;

    private Builder() {}

    /**
     * Connect with {@code Mailbox.connect(settings)} for each run. This or {@link #mailboxes} is required.
     * The settings' {@link MailSettings#eventListener() event listener} also gets the processor's events
     * (hand-over outcomes, lag), under the settings' {@link MailSettings#accountName() account name}.
     */
    public Builder settings(MailSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      this.mailboxes = null;
      return this;
    }

    /** For tests in this package: how {@link #settings} are connected (default {@link Mailbox#connect}). */
    Builder connector(Function<MailSettings, Mailbox> connector) {
      this.connector = Objects.requireNonNull(connector, "connector");
      return this;
    }

    /** Open a mailbox with {@code mailboxes} for each run (the processor closes it). */
    public Builder mailboxes(Supplier<Mailbox> mailboxes) {
      this.mailboxes = Objects.requireNonNull(mailboxes, "mailboxes");
      this.settings = null;
      return this;
    }

    /** Where to keep what was handled. Required. */
    public Builder stateStore(SyncStateStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * The key of this processor's state in the store.
     *
     * <p>Default, with {@link #settings}: the account and the folder, that is protocol, user, host (in
     * lower case) and folder, as in {@code "imap:alice@example.com@imap.example.com/INBOX"}. The port
     * and the security are not part of it: moving an account from port 143 with STARTTLS to 993 with
     * TLS (or back) keeps its state, and nothing is handed over again. Two servers on one host that
     * have users of the same name (test servers on different ports) need a key of their own each.
     *
     * <p>Earlier versions put the port in the default key ({@code "imap:alice@example.com@imap.example.com:143/INBOX"}).
     * When nothing is saved under the default key yet, the first run reads the state saved under
     * such a key (with the settings' port, then with each well-known port of the protocol: 143 and
     * 993, or 110 and 995) and saves it under the new key; the old entry is left as it is.
     *
     * <p>Default with {@link #mailboxes}: {@code "inbox-processor/<folder>"}. A key given here is used
     * as it is, and no earlier key is looked at.
     *
     * @throws IllegalArgumentException when the key is blank
     */
    public Builder stateKey(String key) {
      if (key.isBlank()) {
        throw new IllegalArgumentException("stateKey must not be blank");
      }
      this.stateKey = key;
      return this;
    }

    /** The folder to process (IMAP). Default INBOX, the only folder over POP3. */
    public Builder folder(String fullName) {
      this.folder = Folder.named(fullName).fullName();
      return this;
    }

    /** What to do with each message. Required. */
    public Builder handler(MessageHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** What to do on the server after the handler succeeded. Required: there is no safe default. */
    public Builder afterHandling(AfterHandling afterHandling) {
      this.afterHandling = Objects.requireNonNull(afterHandling, "afterHandling");
      return this;
    }

    /**
     * What to do on the server with a message once it was dead-lettered. Default {@link
     * AfterDeadLetter#leave()}: it stays where it is. {@link AfterDeadLetter#moveTo(String,
     * AfterHandling.IfMissing)} moves it to a quarantine folder (IMAP only: refused by {@link #build()}
     * for POP3 settings, and at the first connection for a mailbox that cannot move).
     */
    public Builder afterDeadLetter(AfterDeadLetter afterDeadLetter) {
      this.afterDeadLetter = Objects.requireNonNull(afterDeadLetter, "afterDeadLetter");
      return this;
    }

    /**
     * Failed attempts before a message goes to the dead-letter handler. Default 5.
     *
     * @throws IllegalArgumentException unless at least 1
     */
    public Builder maxFailures(int maxFailures) {
      if (maxFailures < 1) {
        throw new IllegalArgumentException("maxFailures must be >= 1, was " + maxFailures);
      }
      this.maxFailures = maxFailures;
      return this;
    }

    /**
     * Receives the summaries of messages that failed {@link #maxFailures} times. Default: log a
     * warning (no content). To read the whole message, use {@link #deadLetter(DeadLetter.Handler)}.
     */
    public Builder deadLetter(DeadLetterHandler deadLetters) {
      Objects.requireNonNull(deadLetters, "deadLetters");
      this.deadLetters = letter -> deadLetters.deadLetter(letter.summary(), letter.failures(), letter.lastFailure());
      return this;
    }

    /**
     * Receives messages that failed {@link #maxFailures} times, whole: the {@link DeadLetter} carries
     * the message as last downloaded (empty when it could not be downloaded) and opens its raw bytes.
     * Default: log a warning (no content).
     */
    public Builder deadLetter(DeadLetter.Handler deadLetters) {
      this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
      return this;
    }

    /**
     * How long a {@linkplain InboxProcessor#start started} processor waits before it hands a failed
     * message over again: {@code first} after the first failure, doubling with each further one, at
     * most {@code max}. Default {@link #DEFAULT_FIRST_RETRY} (1 second) and {@link #DEFAULT_MAX_RETRY}
     * (5 minutes): with the default {@link #maxFailures} of 5, a message that keeps failing is tried
     * after 1, 2, 4 and 8 seconds and dead-lettered about 15 seconds after its first failure. Raise
     * {@code first} or {@code maxFailures} to ride out longer outages of what the handler depends on.
     * The schedule is kept in memory; {@link InboxProcessor#runOnce()} does not wait for it.
     *
     * @throws IllegalArgumentException when {@code first} is not positive or {@code max} is below
     *     {@code first}
     */
    public Builder retryBackoff(Duration first, Duration max) {
      Objects.requireNonNull(first, "first");
      Objects.requireNonNull(max, "max");
      if (first.isNegative() || first.isZero()) {
        throw new IllegalArgumentException("retryBackoff first must be positive, was " + first);
      }
      if (max.compareTo(first) < 0) {
        throw new IllegalArgumentException("retryBackoff max must be >= first (" + first + "), was " + max);
      }
      this.firstRetry = first;
      this.maxRetry = max;
      return this;
    }

    /**
     * The longest time the record of a handled message waits before the state is saved, while a run
     * goes on handing over messages. Default {@link #DEFAULT_STATE_SAVE_INTERVAL} (1 second).
     * {@link Duration#ZERO} saves after every message: the fewest duplicates after a crash, at the
     * cost of rewriting the whole state per message (slow for large first runs; see the class
     * documentation). Records are saved in any case at the end of a run and when it fails.
     *
     * @throws IllegalArgumentException when {@code interval} is negative
     */
    public Builder stateSaveInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("stateSaveInterval must not be negative, was " + interval);
      }
      this.saveInterval = interval;
      return this;
    }

    /**
     * A check made before each message is handed over and before each action on the server (see
     * {@link Guard}). Default {@link Guard#NONE}.
     */
    public Builder guard(Guard guard) {
      this.guard = Objects.requireNonNull(guard, "guard");
      return this;
    }

    /**
     * The clock for {@link AfterHandling#deleteAfter}, the state's timestamps and the retry backoff.
     * Default UTC system clock.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the processor, checking the actions against the protocol when {@link #settings} were given.
     *
     * @throws IllegalStateException when something required is missing, or an action cannot work
     *     over the settings' protocol (for example {@code markSeen()} or a quarantine folder over POP3)
     */
    public InboxProcessor build() {
      if (store == null) {
        throw new IllegalStateException("stateStore(...) is required, e.g. SyncStateStore.file(Path.of(\"mail-state\"))");
      }
      if (handler == null) {
        throw new IllegalStateException("handler(...) is required");
      }
      if (afterHandling == null) {
        throw new IllegalStateException("afterHandling(...) is required: AfterHandling.leave(), markSeen(), moveTo(folder),"
            + " delete() or deleteAfter(age)");
      }
      Supplier<Mailbox> source;
      String key;
      List<String> earlier;
      String account;
      MailSettings s = settings;
      if (s != null) {
        if (!s.protocol().isIncoming()) {
          throw new IllegalStateException("an InboxProcessor reads mail: settings must be IMAP or POP3, was " + s.protocol());
        }
        if (s.protocol() == Protocol.POP3) {
          checkPop3();
        }
        Server server = s.server();
        String user = s.credentials() == null ? "" : Objects.requireNonNull(s.credentials()).username();
        key = StateKeys.of(s, folder);
        earlier = stateKey == null ? StateKeys.earlier(s, folder) : List.of();
        account = "for " + s.protocol() + " account " + user + " on " + server.host() + ":" + server.port();
        Function<MailSettings, Mailbox> connect = connector;
        source = () -> connect.apply(s);
      } else if (mailboxes != null) {
        source = mailboxes;
        key = "inbox-processor/" + folder;
        earlier = List.of();
        account = "in the mailbox from mailboxes(...)";
      } else {
        throw new IllegalStateException("settings(...) or mailboxes(...) is required");
      }
      String k = stateKey;
      String finalKey = k != null ? k : key;
      return new InboxProcessor(this, source, store, handler, afterHandling, finalKey, earlier,
          account + " (state key " + finalKey + ")");
    }

    /** Refuses what POP3 cannot do: other folders, flags, moves. */
    private void checkPop3() {
      if (!folder.equalsIgnoreCase(Folder.INBOX)) {
        throw new IllegalStateException("POP3 has only the inbox; folder(\"" + folder + "\") needs IMAP settings");
      }
      if (afterHandling instanceof AfterHandling.MarkSeen || afterHandling instanceof AfterHandling.MoveTo) {
        throw new IllegalStateException("after-handling action " + afterHandling + " is impossible over POP3, which"
            + " keeps no flags or folders on the server; " + alternatives(Protocol.POP3)
            + " Or use the same account's IMAP settings.");
      }
      if (afterDeadLetter instanceof AfterDeadLetter.MoveTo) {
        throw new IllegalStateException("afterDeadLetter(AfterDeadLetter." + afterDeadLetter + ") is impossible over POP3: "
            + deadLetterAlternative(Protocol.POP3));
      }
    }
  }
}
