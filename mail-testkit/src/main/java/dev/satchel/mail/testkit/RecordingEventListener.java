package dev.satchel.mail.testkit;

import dev.satchel.mail.events.CommandEvent;
import dev.satchel.mail.events.ConnectionEvent;
import dev.satchel.mail.events.ConnectionFailedEvent;
import dev.satchel.mail.events.LoginEvent;
import dev.satchel.mail.events.MailEventListener;
import dev.satchel.mail.events.ProcessorEvent;
import dev.satchel.mail.events.ProcessorLagEvent;
import dev.satchel.mail.events.SendEvent;
import dev.satchel.mail.events.WatchReconnectEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link MailEventListener} that keeps every event it receives, in order, for assertions in tests.
 *
 * <pre>{@code
 * RecordingEventListener events = new RecordingEventListener();
 * MailSettings settings = server.settings(user, Protocol.SMTP).toBuilder().eventListener(events).build();
 * ... send ...
 * assertThat(events.of(SendEvent.class)).singleElement().extracting(SendEvent::outcome).isEqualTo("sent");
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class RecordingEventListener implements MailEventListener {
  private final List<Received> events = new CopyOnWriteArrayList<>();

  /** A listener with no events yet. */
  public RecordingEventListener() {}

  /** Every event so far, in the order received, with the name of the method that received it. */
  public List<Received> all() {
    return List.copyOf(events);
  }

  /** The events of one type so far, in order. */
  public <T> List<T> of(Class<T> type) {
    return events.stream().map(Received::event).filter(type::isInstance).map(type::cast).toList();
  }

  /** The events received by the method {@code method} (such as {@code "messageFailed"}), in order. */
  public List<Object> received(String method) {
    return events.stream().filter(e -> e.method().equals(method)).map(Received::event).toList();
  }

  /** Forgets every event so far. */
  public void clear() {
    events.clear();
  }

  /**
   * One received event.
   *
   * @param method the listener method that received it
   * @param event the event
   */
  public record Received(String method, Object event) {}

  private void add(String method, Object event) {
    events.add(new Received(method, event));
  }

  @Override
  public void connectionOpened(ConnectionEvent event) {
    add("connectionOpened", event);
  }

  @Override
  public void connectionFailed(ConnectionFailedEvent event) {
    add("connectionFailed", event);
  }

  @Override
  public void loginCompleted(LoginEvent event) {
    add("loginCompleted", event);
  }

  @Override
  public void commandCompleted(CommandEvent event) {
    add("commandCompleted", event);
  }

  @Override
  public void messageSent(SendEvent event) {
    add("messageSent", event);
  }

  @Override
  public void messageHandled(ProcessorEvent event) {
    add("messageHandled", event);
  }

  @Override
  public void messageFailed(ProcessorEvent event) {
    add("messageFailed", event);
  }

  @Override
  public void messageDeadLettered(ProcessorEvent event) {
    add("messageDeadLettered", event);
  }

  @Override
  public void processorLag(ProcessorLagEvent event) {
    add("processorLag", event);
  }

  @Override
  public void watchReconnected(WatchReconnectEvent event) {
    add("watchReconnected", event);
  }
}
