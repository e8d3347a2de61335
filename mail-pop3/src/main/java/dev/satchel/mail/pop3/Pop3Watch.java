package dev.satchel.mail.pop3;

import dev.satchel.mail.Changes;
import dev.satchel.mail.MailException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxListener;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.Watch;
import dev.satchel.mail.internal.Events;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a POP3 maildrop on a daemon thread: a new session per poll (POP3 sessions never see mail that
 * arrives after login), reporting {@code changesSince} the previous poll. After a failure it waits
 * with exponential backoff (from 1 second up to the poll interval) and reports the gap afterwards.
 */
final class Pop3Watch implements Watch {
  private static final Logger LOG = LoggerFactory.getLogger(Pop3Watch.class);

  private final MailSettings settings;
  private final MailboxListener listener;
  private final Duration interval;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition stopped = lock.newCondition();
  private volatile boolean running = true;
  private SyncState state;

  private Pop3Watch(MailSettings settings, SyncState state, MailboxListener listener, Duration interval) {
    this.settings = settings;
    this.state = state;
    this.listener = listener;
    this.interval = interval;
  }

  static Pop3Watch start(MailSettings settings, SyncState state, MailboxListener listener, Duration interval) {
    Pop3Watch w = new Pop3Watch(settings, state, listener, interval);
    Thread t = new Thread(w::loop, "satchel-pop3-watch-" + settings.server().host());
    t.setDaemon(true);
    t.start();
    return w;
  }

  private void loop() {
    Duration wait = interval;
    Duration backoff = Duration.ofSeconds(1);
    boolean lost = false;
    while (sleep(wait)) {
      try (Mailbox mailbox = new Pop3Connector().connect(settings)) {
        if (lost) {
          Events.watchReconnected(settings);
          lost = false;
        }
        Changes changes = mailbox.changesSince(mailbox.inbox(), state);
        state = changes.state();
        if (!changes.isEmpty() && running) {
          try {
            listener.onChanges(mailbox.inbox(), changes);
          } catch (RuntimeException e) {
            LOG.warn("a MailboxListener threw; ignored", e);
          }
        }
        wait = interval;
        backoff = Duration.ofSeconds(1);
      } catch (MailException e) {
        lost = true;
        wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(interval) > 0 ? interval : backoff.multipliedBy(2);
        LOG.debug("POP3 poll of {} failed; retrying in {}: {}", settings.server(), wait, e.getMessage());
        try {
          listener.onDisconnected(e, wait);
        } catch (RuntimeException le) {
          LOG.warn("a MailboxListener threw; ignored", le);
        }
      }
    }
  }

  /** Waits, returning false once closed. */
  private boolean sleep(Duration d) {
    lock.lock();
    try {
      long nanos = d.toNanos();
      while (running && nanos > 0) {
        nanos = stopped.awaitNanos(nanos);
      }
      return running;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return false;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      running = false;
      stopped.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "Pop3Watch[" + settings.server() + ", every " + interval.toSeconds() + " s" + (running ? "" : ", closed") + "]";
  }

}
