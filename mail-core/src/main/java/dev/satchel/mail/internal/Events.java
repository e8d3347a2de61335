package dev.satchel.mail.internal;

import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Server;
import dev.satchel.mail.events.CommandEvent;
import dev.satchel.mail.events.ConnectionEvent;
import dev.satchel.mail.events.ConnectionFailedEvent;
import dev.satchel.mail.events.LoginEvent;
import dev.satchel.mail.events.MailEventListener;
import dev.satchel.mail.events.WatchReconnectEvent;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the listener of a {@link MailSettings}: builds nothing when no listener is set
 * (callers check {@link #enabled} before reading the clock), and keeps a throwing listener from
 * breaking mail work (logged at WARN once per listener class).
 */
public final class Events {
  private static final Logger LOG = LoggerFactory.getLogger(Events.class);
  private static final Set<Class<?>> WARNED = ConcurrentHashMap.newKeySet();

  private Events() {}

  /** Whether {@code settings} has a listener; when false, callers skip timing and events. */
  public static boolean enabled(MailSettings settings) {
    return settings.eventListener() != MailEventListener.NOOP;
  }

  /** {@link System#nanoTime()} when events are on, else 0 (no clock read on the fast path). */
  public static long start(MailSettings settings) {
    return enabled(settings) ? System.nanoTime() : 0;
  }

  /** The time since {@code startNanos}. */
  public static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** Passes one event to {@code listener}, catching what it throws. */
  public static void emit(MailEventListener listener, Consumer<MailEventListener> call) {
    if (listener == MailEventListener.NOOP) {
      return;
    }
    try {
      call.accept(listener);
    } catch (RuntimeException | LinkageError e) {
      if (WARNED.add(listener.getClass())) {
        LOG.warn("mail event listener {} threw {}; its exceptions are ignored (logged once per listener class)",
            listener.getClass().getName(), e.getClass().getName(), e);
      }
    }
  }

  /** A connection to the server of {@code settings} opened, {@code startNanos} after it began. */
  public static void connected(MailSettings settings, long startNanos) {
    if (enabled(settings)) {
      Server s = settings.server();
      ConnectionEvent e = new ConnectionEvent(settings.accountName(), s.protocol(), s.host(), s.port(), s.security(),
          since(startNanos));
      emit(settings.eventListener(), l -> l.connectionOpened(e));
    }
  }

  /** A connection to the server of {@code settings} failed with {@code cause}. */
  public static void connectFailed(MailSettings settings, long startNanos, Throwable cause) {
    if (enabled(settings)) {
      Server s = settings.server();
      ConnectionFailedEvent e = new ConnectionFailedEvent(settings.accountName(), s.protocol(), s.host(), s.port(),
          s.security(), since(startNanos), cause.getClass().getSimpleName());
      emit(settings.eventListener(), l -> l.connectionFailed(e));
    }
  }

  /** A login finished; {@code outcome} is {@code ok}, {@code refused} or {@code failed}. */
  public static void login(MailSettings settings, String mechanism, long startNanos, String outcome) {
    if (enabled(settings)) {
      LoginEvent e = new LoginEvent(settings.accountName(), settings.protocol(), mechanism, since(startNanos), outcome);
      emit(settings.eventListener(), l -> l.loginCompleted(e));
    }
  }

  /**
   * Runs {@code login} and reports it: outcome {@code ok}, {@code refused} (a
   * {@link dev.satchel.mail.MailAuthenticationException}) or {@code failed}; {@code mechanism} is asked
   * afterwards, when the login has chosen it.
   */
  public static void timedLogin(MailSettings settings, Runnable login, Supplier<String> mechanism) {
    long started = start(settings);
    try {
      login.run();
    } catch (RuntimeException e) {
      login(settings, mechanism.get(), started,
          e instanceof dev.satchel.mail.MailAuthenticationException ? "refused" : "failed");
      throw e;
    }
    login(settings, mechanism.get(), started, "ok");
  }

  /** A command finished; {@code verb} must be the verb only (no argument). */
  public static void command(MailSettings settings, String verb, long startNanos, String outcome) {
    if (enabled(settings)) {
      CommandEvent e = new CommandEvent(settings.accountName(), settings.protocol(), verb, since(startNanos), outcome);
      emit(settings.eventListener(), l -> l.commandCompleted(e));
    }
  }

  /** A watch on {@code settings} connected again. */
  public static void watchReconnected(MailSettings settings) {
    if (enabled(settings)) {
      WatchReconnectEvent e = new WatchReconnectEvent(settings.accountName(), settings.protocol());
      emit(settings.eventListener(), l -> l.watchReconnected(e));
    }
  }
}
