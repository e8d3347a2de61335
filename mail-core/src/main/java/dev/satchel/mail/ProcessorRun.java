package dev.satchel.mail;

import dev.satchel.mail.events.MailEventListener;
import dev.satchel.mail.events.ProcessorEvent;
import dev.satchel.mail.events.ProcessorLagEvent;
import dev.satchel.mail.internal.Events;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an {@link InboxProcessor} over one open {@link Mailbox}: looks up the folders, loads the
 * state, asks what is new, redoes actions that did not take, hands each new message over, and saves.
 * The rules it keeps are the processor's (see its class documentation). Not thread-safe: the
 * processor's run lock keeps runs apart.
 */
final class ProcessorRun {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessorRun.class);

  private final InboxProcessor p;
  private final Mailbox mailbox;
  private final boolean honourBackoff;
  private final Counts counts = new Counts();
  private @Nullable Folder folder;
  private @Nullable Folder handledTarget;
  private @Nullable Folder deadTarget;

  /**
   * A run of {@code processor} over {@code mailbox}.
   *
   * @param honourBackoff true in a running processor's loop: a failed message waits out its retry
   *     backoff; false for {@link InboxProcessor#runOnce()}, which tries every pending message
   */
  ProcessorRun(InboxProcessor processor, Mailbox mailbox, boolean honourBackoff) {
    this.p = processor;
    this.mailbox = mailbox;
    this.honourBackoff = honourBackoff;
  }

  InboxProcessor.Report run() {
    p.checkCapabilities(mailbox.capabilities(), mailbox.protocol());
    p.pushOffered(mailbox.supports(Capability.PUSH));
    Folder f = p.folder(mailbox);
    folder = f;
    if (p.afterHandling instanceof AfterHandling.MoveTo m) {
      handledTarget = target("AfterHandling", m, m.folder(), m.ifMissing());
    }
    if (p.afterDeadLetter instanceof AfterDeadLetter.MoveTo m) {
      deadTarget = target("AfterDeadLetter", m, m.folder(), m.ifMissing());
    }
    SyncState saved = loadState(f);
    ProcessingBook book = ProcessingBook.from(saved);
    SyncState view = new SyncState(f.fullName(), saved.uidValidity(), saved.uidNext(), saved.highestModSeq(), book.settled());
    Changes changes = mailbox.changesSince(f, view);
    SyncState now = changes.state();
    if (changes.fullResyncNeeded()) {
      book.clear();
    }
    book.update(now);
    Set<String> added = new HashSet<>();
    changes.added().forEach(s -> added.add(s.uid().asString()));
    p.retries.retainOnly(added);
    redoActions(book, added);
    save(book, now, false);
    boolean anyPending = false;
    @Nullable Instant oldestPending = null;
    int deferred = 0;
    Saver saver = new Saver(book, now);
    try {
      for (MessageSummary summary : changes.added()) {
        if (honourBackoff && p.retries.waiting(summary.uid().asString(), p.clock.instant())) {
          deferred++;
          anyPending = true;
          oldestPending = older(oldestPending, summary);
        } else if (!handOver(summary, book, saver)) {
          anyPending = true;
          oldestPending = older(oldestPending, summary);
        }
      }
    } catch (RuntimeException | Error e) {
      saver.saveAfterFailure(e);
      throw e;
    }
    save(book, now, !anyPending);
    if (p.events != MailEventListener.NOOP) { // every run, so that a gauge falls back to zero
      Duration lag = oldestPending == null ? Duration.ZERO : Duration.between(oldestPending, p.clock.instant());
      ProcessorLagEvent e = new ProcessorLagEvent(p.accountName, lag.isNegative() ? Duration.ZERO : lag);
      Events.emit(p.events, l -> l.processorLag(e));
    }
    counts.found = changes.added().size() - deferred;
    InboxProcessor.Report report = new InboxProcessor.Report(counts.found, counts.handled, counts.failed,
        counts.deadLettered, counts.acknowledged);
    LOG.debug("{}: {}; {} failed message(s) wait to be retried", p.stateKey, report, deferred);
    return report;
  }

  /** The saved state, or one carried over from a key an earlier version used, or a first state. */
  private SyncState loadState(Folder f) {
    Optional<StateKeys.Found> found = StateKeys.load(p.store, p.stateKey, p.earlierKeys);
    if (found.isEmpty()) {
      return SyncState.initial(f.fullName());
    }
    if (!found.get().key().equals(p.stateKey)) {
      LOG.info("{}: nothing saved under this key yet; carried over the state saved under \"{}\", the key an earlier version"
          + " used (it named the port)", p.stateKey, found.get().key());
    }
    return found.get().state();
  }

  /**
   * The destination of a move action, looked up (and created when asked to) before any message is
   * handed over.
   *
   * @param type {@code "AfterHandling"} or {@code "AfterDeadLetter"}, for the message
   */
  private Folder target(String type, Object action, String name, AfterHandling.IfMissing ifMissing) {
    Optional<Folder> found = mailbox.folder(name);
    if (found.isPresent()) {
      return found.get();
    }
    if (ifMissing == AfterHandling.IfMissing.FAIL) {
      // Not a MailCommandException: nothing was sent that the server could refuse.
      throw new IllegalStateException(type + "." + action + " cannot work: the folder \"" + name + "\" does not exist "
          + p.account + ". Nothing was handed over or moved. Create the folder on the server, correct the name (the full"
          + " name, with the server's hierarchy separator), or use " + type + ".moveTo(\"" + name
          + "\", AfterHandling.IfMissing.CREATE) to let the processor create it.");
    }
    LOG.info("{}: creating folder \"{}\" for {}.{}", p.stateKey, name, type, action);
    try {
      return mailbox.createFolder(name);
    } catch (MailCommandException e) {
      // Another client may have created it since the look-up; otherwise the server's refusal stands.
      return mailbox.folder(name).orElseThrow(() -> e);
    }
  }

  private Folder folder() {
    return Objects.requireNonNull(folder, "folder");
  }

  /**
   * The older of {@code oldest} and the receive date of {@code summary} (IMAP INTERNALDATE, else its
   * Date header); {@code oldest} when the message has neither.
   */
  private static @Nullable Instant older(@Nullable Instant oldest, MessageSummary summary) {
    Optional<Instant> date = summary.internalDate().or(() -> summary.envelope().date().map(d -> d.toInstant()));
    if (date.isEmpty()) {
      return oldest;
    }
    return oldest == null || date.get().isBefore(oldest) ? date.get() : oldest;
  }

  /** Reports one hand-over outcome to the processor's event listener, if any. */
  private void outcome(long started, java.util.function.BiConsumer<MailEventListener, ProcessorEvent> call) {
    if (p.events != MailEventListener.NOOP) {
      ProcessorEvent e = new ProcessorEvent(p.accountName, Events.since(started));
      Events.emit(p.events, l -> call.accept(l, e));
    }
  }

  /** Returns true when the message is settled (handled or dead-lettered). */
  private boolean handOver(MessageSummary summary, ProcessingBook book, Saver saver) {
    p.guard.check(InboxProcessor.Guard.Step.HAND_OVER);
    String id = summary.uid().asString();
    Message message = null;
    Exception failure;
    long started = p.events == MailEventListener.NOOP ? 0 : System.nanoTime();
    try {
      message = mailbox.fetch(folder(), summary.uid());
      p.handler.handle(message);
      failure = null;
    } catch (MailConnectionException | MailAuthenticationException e) {
      throw e;
    } catch (Exception e) {
      failure = e;
    }
    if (failure == null) {
      outcome(started, MailEventListener::messageHandled);
      counts.handled++;
      if (acknowledge(List.of(summary.uid()), true)) {
        counts.acknowledged++;
        if (p.afterHandling instanceof AfterHandling.MarkSeen) {
          book.flagged(id, "\\Seen");
        }
      }
      book.acknowledged(id, p.clock.instant());
      p.retries.settled(id);
      saver.changed();
      return true;
    }
    outcome(started, MailEventListener::messageFailed);
    counts.failed++;
    int failures = book.failed(id);
    LOG.warn("{}: handling message {} failed (attempt {} of {}): {}", p.stateKey, summary.uid(), failures, p.maxFailures,
        failure.getClass().getName());
    LOG.debug("{}: failure of message {}", p.stateKey, summary.uid(), failure);
    if (failures >= p.maxFailures && deadLetter(new DeadLetter(summary, failures, failure, Optional.ofNullable(message),
        () -> mailbox.openRaw(folder(), summary.uid())), book)) {
      saver.saveNow(); // a dead letter is not to be repeated
      return true;
    }
    p.retries.failed(id, failures, p.clock.instant());
    saver.changed();
    return false;
  }

  /** Gives the letter to the dead-letter handler; true when it accepted (the message is then settled). */
  private boolean deadLetter(DeadLetter letter, ProcessingBook book) {
    Uid uid = letter.summary().uid();
    long started = p.events == MailEventListener.NOOP ? 0 : System.nanoTime();
    try {
      p.deadLetters.deadLetter(letter);
    } catch (MailConnectionException | MailAuthenticationException e) {
      throw e; // reading the message failed with the connection: the run is over
    } catch (Exception e) {
      LOG.warn("{}: the dead-letter handler threw for message {}; it will be retried", p.stateKey, uid, e);
      return false;
    }
    String id = uid.asString();
    book.dead(id, p.clock.instant());
    outcome(started, MailEventListener::messageDeadLettered);
    counts.deadLettered++;
    p.retries.settled(id);
    quarantine(List.of(uid));
    return true;
  }

  /**
   * Applies the actions again to messages settled earlier that are still where they were: the
   * after-handling action to handled ones, the quarantine move to dead-lettered ones.
   */
  private void redoActions(ProcessingBook book, Set<String> added) {
    boolean redoHandled = !(p.afterHandling instanceof AfterHandling.Leave || p.afterHandling instanceof AfterHandling.MarkSeen);
    if (!redoHandled && deadTarget == null) {
      return;
    }
    Instant cutoff = p.afterHandling instanceof AfterHandling.DeleteAfter d ? p.clock.instant().minus(d.age()) : Instant.MAX;
    List<Uid> handled = new ArrayList<>();
    List<Uid> dead = new ArrayList<>();
    book.forEach((id, entry) -> {
      if (added.contains(id)) {
        return;
      }
      if (entry.acknowledged() && redoHandled) {
        if (!(p.afterHandling instanceof AfterHandling.DeleteAfter)
            || !Instant.ofEpochSecond(entry.handledAt()).isAfter(cutoff)) {
          handled.add(Uid.parse(id));
        }
      } else if (entry.dead() && deadTarget != null) {
        dead.add(Uid.parse(id));
      }
    });
    if (!handled.isEmpty() && acknowledge(handled, false)) {
      counts.acknowledged += handled.size();
    }
    if (!dead.isEmpty()) {
      quarantine(dead);
    }
  }

  /** Applies the after-handling action; false when it did nothing or the server refused (the next run tries again). */
  private boolean acknowledge(List<Uid> uids, boolean justHandled) {
    AfterHandling action = p.afterHandling;
    if (action instanceof AfterHandling.Leave || (action instanceof AfterHandling.DeleteAfter d && justHandled && !d.age().isZero())) {
      return false;
    }
    p.guard.check(InboxProcessor.Guard.Step.SERVER_ACTION);
    try {
      if (action instanceof AfterHandling.MarkSeen) {
        mailbox.addFlags(folder(), uids, EnumSet.of(Flag.SEEN));
      } else if (action instanceof AfterHandling.MoveTo) {
        mailbox.move(folder(), uids, Objects.requireNonNull(handledTarget, "handledTarget"));
      } else if (action instanceof AfterHandling.Delete) {
        mailbox.delete(folder(), uids);
      } else if (action instanceof AfterHandling.DeleteAfter d && (!justHandled || d.age().isZero())) {
        mailbox.delete(folder(), uids);
      } else {
        return false;
      }
      return true;
    } catch (MailCommandException e) {
      // Only the server's own refusals reach here; their message carries its response.
      LOG.warn("{}: {} of {} message(s) did not take; retried on the next run: {}", p.stateKey, action, uids.size(),
          e.getMessage());
      return false;
    }
  }

  /** Moves dead-lettered messages to the quarantine folder, when there is one; a refusal is retried next run. */
  private void quarantine(List<Uid> uids) {
    Folder to = deadTarget;
    if (to == null) {
      return;
    }
    p.guard.check(InboxProcessor.Guard.Step.SERVER_ACTION);
    try {
      mailbox.move(folder(), uids, to);
      LOG.info("{}: moved {} dead-lettered message(s) to \"{}\"", p.stateKey, uids.size(), to.fullName());
    } catch (MailCommandException e) {
      LOG.warn("{}: moving {} dead-lettered message(s) to \"{}\" did not take; retried on the next run: {}", p.stateKey,
          uids.size(), to.fullName(), e.getMessage());
    }
  }

  private void save(ProcessingBook book, SyncState now, boolean complete) {
    // UIDNEXT and HIGHESTMODSEQ let IMAP skip old messages: only safe to keep once nothing is pending.
    OptionalLong next = complete ? now.uidNext() : OptionalLong.empty();
    OptionalLong modseq = complete ? now.highestModSeq() : OptionalLong.empty();
    p.store.save(p.stateKey, book.toState(now.folder(), now.uidValidity(), next, modseq));
  }

  /** Saves the book during a run: when the processor's save interval has passed since the last save. */
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
      if (System.nanoTime() - lastSave >= p.saveIntervalNanos) {
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
}
