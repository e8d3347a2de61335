package dev.satchel.mail.events;

import java.util.List;
import java.util.Objects;

/**
 * Receives events about what Satchel does with one account: connections, logins, command round
 * trips, sends, inbox processing and watch reconnects. Every method has a default that does nothing,
 * so a listener implements only what it needs and new events can be added later.
 *
 * <pre>{@code
 * MailSettings settings = MailSettings.builder()
 *     .server(...).credentials(...)
 *     .accountName("support")
 *     .eventListener(new MailEventListener() {
 *       public void messageSent(SendEvent e) { sent.increment(); }
 *     })
 *     .build();
 * }</pre>
 *
 * <p>Methods are called on the thread doing the mail work, so they must be fast and thread-safe (one
 * listener may serve many connections at once). An exception a listener throws is caught and logged
 * (at WARN, once per listener class); it never breaks a mail operation. Events never carry an
 * address, a user name, a subject, a password or server text.
 */
public interface MailEventListener {
  /** The listener that does nothing: Satchel skips building events when it is the one registered. */
  MailEventListener NOOP = new MailEventListener() {
    @Override
    public String toString() {
      return "MailEventListener.NOOP";
    }
  };

  /**
   * A listener that passes every event to each of {@code listeners}, in order; one that throws is
   * logged (at WARN, once per its class) and the others still get the event.
   */
  static MailEventListener composite(MailEventListener... listeners) {
    List<MailEventListener> all = List.of(listeners);
    all.forEach(l -> Objects.requireNonNull(l, "listener"));
    return new CompositeListener(all);
  }

  /** A connection (TCP and, for implicit TLS, the handshake) was established. */
  default void connectionOpened(ConnectionEvent event) {}

  /** A connection could not be established. */
  default void connectionFailed(ConnectionFailedEvent event) {}

  /** A login finished, accepted or refused. */
  default void loginCompleted(LoginEvent event) {}

  /** A command got its final answer from the server. */
  default void commandCompleted(CommandEvent event) {}

  /** A message was handed to the SMTP server, or the attempt failed. */
  default void messageSent(SendEvent event) {}

  /** An inbox processor's handler accepted a message. */
  default void messageHandled(ProcessorEvent event) {}

  /** An inbox processor's handler failed on a message (it will be retried or dead-lettered). */
  default void messageFailed(ProcessorEvent event) {}

  /** An inbox processor gave a message to its dead-letter handler. */
  default void messageDeadLettered(ProcessorEvent event) {}

  /** An inbox processor run ended: the age of the oldest message it left unhandled, zero when none. */
  default void processorLag(ProcessorLagEvent event) {}

  /** A watch lost its connection and connected again. */
  default void watchReconnected(WatchReconnectEvent event) {}
}
