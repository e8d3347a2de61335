package dev.satchel.mail;

/**
 * Handles one message for an {@link InboxProcessor}. Returning normally acknowledges the message;
 * throwing leaves it unacknowledged, to be handed over again on the next run (until the processor's
 * failure limit sends it to the dead-letter handler).
 *
 * <p>Delivery is at least once: after a crash or a lost connection between the handler's return and
 * the saving of the state, the same message is handed over again. Handlers that must not act twice
 * should key on {@code message.uid()} or the Message-ID. Called from the thread running the processor,
 * one message at a time.
 */
@FunctionalInterface
public interface MessageHandler {

  /**
   * Handles a message.
   *
   * @throws Exception any failure: the message stays unacknowledged
   */
  void handle(Message message) throws Exception;
}
