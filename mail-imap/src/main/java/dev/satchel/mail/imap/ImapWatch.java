package dev.satchel.mail.imap;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Changes;
import dev.satchel.mail.Folder;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.MailboxListener;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.Watch;
import dev.satchel.mail.internal.Events;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running {@link dev.satchel.mail.Mailbox#watch}: one thread and one connection of its own.
 *
 * <p>Loop: connect, report {@code changesSince} the last state (this is how nothing is lost across a
 * drop), then wait for the server with IDLE (ended and re-issued every
 * {@link MailboxOptions#idleRestart()}) or, without IDLE, for {@link MailboxOptions#pollInterval()},
 * and report again. With QRESYNC the connection enables it like any other: the first report on a new
 * connection comes from the resynchronising {@code SELECT folder (QRESYNC (...))} (the connection
 * selects nothing before it, not even INBOX), the later ones from
 * {@code UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE n VANISHED)}; see {@link ImapSync}. The server's
 * unsolicited EXISTS, EXPUNGE, VANISHED and FETCH responses, during IDLE or any command, end IDLE
 * and trigger the next report. A lost connection is reported through {@link MailboxListener#onDisconnected},
 * then retried after a delay that doubles from {@link MailboxOptions#reconnectMinDelay()} up to
 * {@link MailboxOptions#reconnectMaxDelay()}, with jitter (50..100% of the delay).
 *
 * <p>Liveness: IDLE is bounded by the restart interval plus the operation deadline, so a server that
 * never answers DONE loses the connection and the watch reconnects. {@link #close()} ends IDLE, cuts
 * the connection when the thread has not ended within the read timeout, and joins the thread.
 */
final class ImapWatch implements Watch, Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ImapWatch.class);

  private final MailSettings settings;
  private final MailboxOptions options;
  private final Folder folder;
  private final MailboxListener listener;
  private final Thread thread;
  private final Object lock = new Object();
  private volatile boolean running = true;
  private volatile @Nullable ImapMailbox connection;
  private final AtomicBoolean serverChanged = new AtomicBoolean();
  private SyncState state;

  private ImapWatch(MailSettings settings, MailboxOptions options, Folder folder, MailboxListener listener, SyncState state) {
    this.settings = settings;
    this.options = options;
    this.folder = folder;
    this.listener = listener;
    this.state = state;
    this.thread = new Thread(this, "satchel-imap-watch " + folder.fullName());
    this.thread.setDaemon(true);
  }

  static ImapWatch start(MailSettings settings, MailboxOptions options, Folder folder, MailboxListener listener,
      SyncState state) {
    ImapWatch w = new ImapWatch(settings, options, folder, listener, state);
    w.thread.start();
    return w;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public void run() {
    Duration delay = options.reconnectMinDelay();
    boolean lost = false;
    while (running) {
      ImapMailbox box = null;
      try {
        box = ImapMailbox.connect(settings, options, true);
        connection = box;
        if (lost) {
          Events.watchReconnected(settings);
          lost = false;
        }
        if (!running) {
          break;
        }
        boolean push = box.supports(Capability.PUSH);
        boolean first = true;
        box.channel().onServerChange(this::serverChanged);
        while (running) {
          serverChanged.set(false);
          Changes c = box.changesSince(folder, state);
          state = c.state();
          if (first) {
            delay = options.reconnectMinDelay(); // a full round worked: the next drop starts over
            first = false;
          }
          if (!c.isEmpty()) {
            deliver(c);
          }
          if (!running) {
            break;
          }
          if (serverChanged.get()) {
            continue; // the server reported something while we were looking: look again
          }
          if (push) {
            idleOnce(box);
          } else {
            pause(options.pollInterval());
          }
        }
      } catch (MailException | IllegalStateException e) {
        if (!running) {
          break;
        }
        MailException cause = e instanceof MailException me ? me
            : new MailConnectionException("watch of " + folder.fullName() + " failed: " + e.getMessage(), e);
        lost = true;
        Duration wait = jitter(delay);
        LOG.debug("watch of {} lost its connection; retrying in {}: {}", folder.fullName(), wait, cause.getMessage());
        try {
          listener.onDisconnected(cause, wait);
        } catch (RuntimeException bad) {
          LOG.warn("MailboxListener.onDisconnected threw; ignored", bad);
        }
        pause(wait);
        delay = delay.multipliedBy(2).compareTo(options.reconnectMaxDelay()) > 0 ? options.reconnectMaxDelay()
            : delay.multipliedBy(2);
      } finally {
        connection = null;
        if (box != null) {
          box.abort();
          box.close();
        }
      }
    }
  }

  private void serverChanged() {
    serverChanged.set(true);
  }

  private void deliver(Changes c) {
    try {
      listener.onChanges(folder, c);
    } catch (RuntimeException bad) {
      LOG.warn("MailboxListener.onChanges threw; ignored", bad);
    }
  }

  private static Duration jitter(Duration d) {
    long ms = Math.max(1, d.toMillis());
    return Duration.ofMillis(ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
  }

  private void pause(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    synchronized (lock) {
      while (running) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void idleOnce(ImapMailbox box) {
    if (!running || serverChanged.get()) {
      return;
    }
    box.channel().idle(folder, options.idleRestart(), true);
  }

  @Override
  public void close() {
    if (!running) {
      return;
    }
    running = false;
    synchronized (lock) {
      lock.notifyAll();
    }
    // The watch thread may be between its check of "running" and sending IDLE, where an end-of-IDLE
    // finds nothing to end: ask again until the thread ends, within one read timeout.
    long wait = settings.readTimeout().toMillis();
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
    do {
      ImapMailbox current = connection;
      if (current != null) {
        current.endIdle();
      }
      join(50);
    } while (thread.isAlive() && Thread.currentThread() != thread && System.nanoTime() < until);
    if (thread.isAlive()) {
      ImapMailbox box = connection;
      if (box != null) {
        box.abort();
      }
      join(wait);
    }
  }

  private void join(long millis) {
    if (Thread.currentThread() == thread) {
      return;
    }
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ImapWatch[" + folder.fullName() + (running ? ", running" : ", stopped") + "]";
  }
}
