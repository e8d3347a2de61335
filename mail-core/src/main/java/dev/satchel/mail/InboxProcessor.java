package dev.satchel.mail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
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
 * deletion is committed by QUIT only after the run's last save.
 *
 * <p><b>Failures.</b> A handler that throws leaves its message unacknowledged; it is handed over
 * again on the next run, and after {@link Builder#maxFailures(int)} failed attempts it goes to the
 * {@link DeadLetterHandler} instead and stays on the server untouched. A lost connection ends the run
 * with a {@link MailException}; what was handled up to then is saved, and a POP3 session cut before
 * its QUIT deletes nothing. The only duplicates: messages whose handler returned but whose record was
 * not yet saved when the process died (at most one {@link Builder#stateSaveInterval} of them) are
 * handed over again.
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

  private final Supplier<Mailbox> mailboxes;
  private final SyncStateStore store;
  private final String stateKey;
  private final String account;
  private final String folderName;
  private final MessageHandler handler;
  private final AfterHandling afterHandling;
  private final int maxFailures;
  private final DeadLetterHandler deadLetters;
  private final Clock clock;
  private final long saveIntervalNanos;
  private final ReentrantLock runLock = new ReentrantLock();
  private volatile boolean pushOffered;

  private InboxProcessor(Builder b, Supplier<Mailbox> mailboxes, SyncStateStore store, MessageHandler handler,
      AfterHandling afterHandling, String stateKey, String account) {
    this.mailboxes = mailboxes;
    this.account = account;
    this.store = store;
    this.handler = handler;
    this.afterHandling = afterHandling;
    this.stateKey = stateKey;
    this.folderName = b.folder;
    this.maxFailures = b.maxFailures;
    this.deadLetters = b.deadLetters;
    this.clock = b.clock;
    this.saveIntervalNanos = b.saveInterval.toNanos();
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
   *     AfterHandling#moveTo(String)}, does not exist (and the action does not create it); the message
   *     names the folder and the account. Thrown before any message is handed over.
   * @throws MailException when the connection fails; what was handled up to then stays saved
   * @throws java.io.UncheckedIOException when the state store fails
   */
  public Report runOnce() {
    runLock.lock();
    try (Mailbox mailbox = mailboxes.get()) {
      return run(mailbox);
    } finally {
      runLock.unlock();
    }
  }

  /**
   * Starts running on a daemon thread: now, then every {@code interval}, and at once when an IMAP
   * folder reports new mail by push (IDLE) where the server offers it. Failed runs are retried with
   * exponential backoff (1 second doubling up to 5 minutes, with jitter). A configuration error
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
        + ", maxFailures=" + maxFailures + "]";
  }

  boolean pushOffered() {
    return pushOffered;
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

  /**
   * The destination of {@link AfterHandling.MoveTo}, looked up (and created when asked to) before any
   * message is handed over; null for the other actions.
   */
  private @Nullable Folder moveTarget(Mailbox mailbox) {
    if (!(afterHandling instanceof AfterHandling.MoveTo m)) {
      return null;
    }
    Optional<Folder> found = mailbox.folder(m.folder());
    if (found.isPresent()) {
      return found.get();
    }
    if (m.ifMissing() == AfterHandling.IfMissing.FAIL) {
      // Not a MailCommandException: nothing was sent that the server could refuse.
      throw new IllegalStateException("AfterHandling." + m + " cannot work: the folder \"" + m.folder()
          + "\" does not exist " + account + ". Nothing was handed over or moved. Create the folder on the server,"
          + " correct the name (the full name, with the server's hierarchy separator), or use AfterHandling.moveTo(\""
          + m.folder() + "\", AfterHandling.IfMissing.CREATE) to let the processor create it.");
    }
    LOG.info("{}: creating folder \"{}\" for {}", stateKey, m.folder(), m);
    try {
      return mailbox.createFolder(m.folder());
    } catch (MailCommandException e) {
      // Another client may have created it since the look-up; otherwise the server's refusal stands.
      return mailbox.folder(m.folder()).orElseThrow(() -> e);
    }
  }

  private Report run(Mailbox mailbox) {
    checkCapabilities(mailbox.capabilities(), mailbox.protocol());
    pushOffered = mailbox.supports(Capability.PUSH);
    Folder folder = folder(mailbox);
    Folder target = moveTarget(mailbox);
    SyncState saved = store.load(stateKey).orElseGet(() -> SyncState.initial(folder.fullName()));
    ProcessingBook book = ProcessingBook.from(saved);
    SyncState view = new SyncState(folder.fullName(), saved.uidValidity(), saved.uidNext(), saved.highestModSeq(), book.settled());
    Changes changes = mailbox.changesSince(folder, view);
    SyncState now = changes.state();
    if (changes.fullResyncNeeded()) {
      book.clear();
    }
    book.update(now);
    Counts counts = new Counts();
    counts.found = changes.added().size();
    redoActions(mailbox, folder, target, book, changes, counts);
    save(book, now, false);
    boolean anyPending = false;
    Saver saver = new Saver(book, now);
    try {
      for (MessageSummary summary : changes.added()) {
        if (!handOver(mailbox, folder, target, summary, book, saver, counts)) {
          anyPending = true;
        }
      }
    } catch (RuntimeException | Error e) {
      saver.saveAfterFailure(e);
      throw e;
    }
    save(book, now, !anyPending);
    Report report = new Report(counts.found, counts.handled, counts.failed, counts.deadLettered, counts.acknowledged);
    LOG.debug("{}: {}", stateKey, report);
    return report;
  }

  /** Returns true when the message is settled (handled or dead-lettered). */
  private boolean handOver(Mailbox mailbox, Folder folder, @Nullable Folder target, MessageSummary summary,
      ProcessingBook book, Saver saver, Counts counts) {
    String id = summary.uid().asString();
    Exception failure;
    try {
      Message message = mailbox.fetch(folder, summary.uid());
      handler.handle(message);
      failure = null;
    } catch (MailConnectionException | MailAuthenticationException e) {
      throw e;
    } catch (Exception e) {
      failure = e;
    }
    if (failure == null) {
      counts.handled++;
      if (acknowledge(mailbox, folder, target, List.of(summary.uid()), true)) {
        counts.acknowledged++;
        if (afterHandling instanceof AfterHandling.MarkSeen) {
          book.flagged(id, "\\Seen");
        }
      }
      book.acknowledged(id, clock.instant());
      saver.changed();
      return true;
    }
    counts.failed++;
    int failures = book.failed(id);
    LOG.warn("{}: handling message {} failed (attempt {} of {}): {}", stateKey, summary.uid(), failures, maxFailures,
        failure.getClass().getName());
    LOG.debug("{}: failure of message {}", stateKey, summary.uid(), failure);
    boolean settled = false;
    if (failures >= maxFailures) {
      try {
        deadLetters.deadLetter(summary, failures, failure);
        book.dead(id, clock.instant());
        counts.deadLettered++;
        settled = true;
      } catch (RuntimeException e) {
        LOG.warn("{}: the dead-letter handler threw for message {}; it will be retried", stateKey, summary.uid(), e);
      }
    }
    if (settled) {
      saver.saveNow(); // a dead letter is not to be repeated
    } else {
      saver.changed();
    }
    return settled;
  }

  /** Applies the action again to messages handled earlier that are still where they were. */
  private void redoActions(Mailbox mailbox, Folder folder, @Nullable Folder target, ProcessingBook book, Changes changes,
      Counts counts) {
    if (afterHandling instanceof AfterHandling.Leave || afterHandling instanceof AfterHandling.MarkSeen) {
      return;
    }
    Set<String> added = new java.util.HashSet<>();
    changes.added().forEach(s -> added.add(s.uid().asString()));
    Instant cutoff = afterHandling instanceof AfterHandling.DeleteAfter d ? clock.instant().minus(d.age()) : Instant.MAX;
    List<Uid> due = new ArrayList<>();
    book.forEach((id, entry) -> {
      if (!entry.acknowledged() || added.contains(id)) {
        return;
      }
      if (afterHandling instanceof AfterHandling.DeleteAfter && Instant.ofEpochSecond(entry.handledAt()).isAfter(cutoff)) {
        return;
      }
      due.add(Uid.parse(id));
    });
    if (!due.isEmpty() && acknowledge(mailbox, folder, target, due, false)) {
      counts.acknowledged += due.size();
    }
  }

  /**
   * Applies the action; false when it did nothing or the server refused (the next run tries again).
   * {@code target} is the resolved destination of a move, null for the other actions.
   */
  private boolean acknowledge(Mailbox mailbox, Folder folder, @Nullable Folder target, List<Uid> uids,
      boolean justHandled) {
    try {
      if (afterHandling instanceof AfterHandling.MarkSeen) {
        mailbox.addFlags(folder, uids, EnumSet.of(Flag.SEEN));
      } else if (afterHandling instanceof AfterHandling.MoveTo) {
        mailbox.move(folder, uids, Objects.requireNonNull(target, "target"));
      } else if (afterHandling instanceof AfterHandling.Delete) {
        mailbox.delete(folder, uids);
      } else if (afterHandling instanceof AfterHandling.DeleteAfter d && (!justHandled || d.age().isZero())) {
        mailbox.delete(folder, uids);
      } else {
        return false;
      }
      return true;
    } catch (MailCommandException e) {
      // Only the server's own refusals reach here; their message carries its response.
      LOG.warn("{}: {} of {} message(s) did not take; retried on the next run: {}", stateKey, afterHandling, uids.size(),
          e.getMessage());
      return false;
    }
  }

  private void save(ProcessingBook book, SyncState now, boolean complete) {
    // UIDNEXT and HIGHESTMODSEQ let IMAP skip old messages: only safe to keep once nothing is pending.
    OptionalLong next = complete ? now.uidNext() : OptionalLong.empty();
    OptionalLong modseq = complete ? now.highestModSeq() : OptionalLong.empty();
    store.save(stateKey, book.toState(now.folder(), now.uidValidity(), next, modseq));
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
  }

  static String alternatives(Protocol protocol) {
    return protocol == Protocol.POP3
        ? "over POP3 choose AfterHandling.leave(), delete() or deleteAfter(age)."
        : "choose an action this server supports, such as AfterHandling.leave() or delete().";
  }

  /** Saves the book during a run: when {@link #saveIntervalNanos} has passed since the last save. */
  private final class Saver {
    private final ProcessingBook book;
    private final SyncState now;
    private long lastSave = System.nanoTime();
    private boolean dirty;

    Saver(ProcessingBook book, SyncState now) {
      this.book = book;
      this.now = now;
    }

    void changed() {
      dirty = true;
      if (System.nanoTime() - lastSave >= saveIntervalNanos) {
        saveNow();
      }
    }

    void saveNow() {
      save(book, now, false);
      lastSave = System.nanoTime();
      dirty = false;
    }

    /** Keeps what was handled before {@code failure} ended the run; a failing save is added to it. */
    void saveAfterFailure(Throwable failure) {
      if (!dirty) {
        return;
      }
      try {
        saveNow();
      } catch (RuntimeException e) {
        failure.addSuppressed(e);
      }
    }
  }

  private static final class Counts {
    int found;
    int handled;
    int failed;
    int deadLettered;
    int acknowledged;
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
    private @Nullable SyncStateStore store;
    private @Nullable String stateKey;
    private String folder = Folder.INBOX;
    private @Nullable MessageHandler handler;
    private @Nullable AfterHandling afterHandling;
    private int maxFailures = DEFAULT_MAX_FAILURES;
    private DeadLetterHandler deadLetters = (m, n, e) -> LOG.warn("giving up on message {} after {} failed attempts; it"
        + " stays on the server untouched", m.uid(), n);
    private Clock clock = Clock.systemUTC();
    private Duration saveInterval = DEFAULT_STATE_SAVE_INTERVAL;

    private Builder() {}

    /** Connect with {@code Mailbox.connect(settings)} for each run. This or {@link #mailboxes} is required. */
    public Builder settings(MailSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      this.mailboxes = null;
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
     * The key of this processor's state in the store. Default, with {@link #settings}: protocol, user,
     * host, port and folder ({@code "pop3:alice@example.com@pop.example.com:995/INBOX"}); with
     * {@link #mailboxes}: {@code "inbox-processor/<folder>"}.
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

    /** Receives messages that failed {@link #maxFailures} times. Default: log a warning (no content). */
    public Builder deadLetter(DeadLetterHandler deadLetters) {
      this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
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

    /** The clock for {@link AfterHandling#deleteAfter} and the state's timestamps. Default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the processor, checking the action against the protocol when {@link #settings} were given.
     *
     * @throws IllegalStateException when something required is missing, or the action cannot work
     *     over the settings' protocol (for example {@code markSeen()} over POP3)
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
      String account;
      MailSettings s = settings;
      if (s != null) {
        if (!s.protocol().isIncoming()) {
          throw new IllegalStateException("an InboxProcessor reads mail: settings must be IMAP or POP3, was " + s.protocol());
        }
        if (s.protocol() == Protocol.POP3) {
          if (!folder.equalsIgnoreCase(Folder.INBOX)) {
            throw new IllegalStateException("POP3 has only the inbox; folder(\"" + folder + "\") needs IMAP settings");
          }
          if (afterHandling instanceof AfterHandling.MarkSeen || afterHandling instanceof AfterHandling.MoveTo) {
            throw new IllegalStateException("after-handling action " + afterHandling + " is impossible over POP3, which"
                + " keeps no flags or folders on the server; " + alternatives(Protocol.POP3)
                + " Or use the same account's IMAP settings.");
          }
        }
        Server server = s.server();
        String user = s.credentials() == null ? "" : Objects.requireNonNull(s.credentials()).username();
        key = s.protocol().name().toLowerCase(java.util.Locale.ROOT) + ":" + user + "@" + server.host() + ":" + server.port()
            + "/" + folder;
        account = "for " + s.protocol() + " account " + user + " on " + server.host() + ":" + server.port();
        source = () -> Mailbox.connect(s);
      } else if (mailboxes != null) {
        source = mailboxes;
        key = "inbox-processor/" + folder;
        account = "in the mailbox from mailboxes(...)";
      } else {
        throw new IllegalStateException("settings(...) or mailboxes(...) is required");
      }
      String k = stateKey;
      String finalKey = k != null ? k : key;
      return new InboxProcessor(this, source, store, handler, afterHandling, finalKey,
          account + " (state key " + finalKey + ")");
    }
  }
}
