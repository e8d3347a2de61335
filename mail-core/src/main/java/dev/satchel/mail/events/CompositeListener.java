package dev.satchel.mail.events;

import dev.satchel.mail.internal.Events;
import java.util.List;
import java.util.function.Consumer;

/** Passes each event to several listeners; see {@link MailEventListener#composite}. */
final class CompositeListener implements MailEventListener {
  private final List<MailEventListener> listeners;

  CompositeListener(List<MailEventListener> listeners) {
    this.listeners = listeners;
  }

  /**
   * Calls every listener; one that throws is logged (once per its class) and the others still get the
   * event.
   */
  private void each(Consumer<MailEventListener> call) {
    for (MailEventListener l : listeners) {
      Events.emit(l, call);
    }
  }

  @Override
  public void connectionOpened(ConnectionEvent event) {
    each(l -> l.connectionOpened(event));
  }

  @Override
  public void connectionFailed(ConnectionFailedEvent event) {
    each(l -> l.connectionFailed(event));
  }

  @Override
  public void loginCompleted(LoginEvent event) {
    each(l -> l.loginCompleted(event));
  }

  @Override
  public void commandCompleted(CommandEvent event) {
    each(l -> l.commandCompleted(event));
  }

  @Override
  public void messageSent(SendEvent event) {
    each(l -> l.messageSent(event));
  }

  @Override
  public void messageHandled(ProcessorEvent event) {
    each(l -> l.messageHandled(event));
  }

  @Override
  public void messageFailed(ProcessorEvent event) {
    each(l -> l.messageFailed(event));
  }

  @Override
  public void messageDeadLettered(ProcessorEvent event) {
    each(l -> l.messageDeadLettered(event));
  }

  @Override
  public void processorLag(ProcessorLagEvent event) {
    each(l -> l.processorLag(event));
  }

  @Override
  public void watchReconnected(WatchReconnectEvent event) {
    each(l -> l.watchReconnected(event));
  }

  @Override
  public String toString() {
    return "MailEventListener.composite" + listeners;
  }
}
