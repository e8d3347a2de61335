package dev.satchel.mail;

/**
 * Receives the messages an {@link InboxProcessor} gave up on after its configured number of failed
 * attempts, so that one bad message does not block the inbox. The message stays on the server
 * untouched and is not handed to the {@link MessageHandler} again.
 *
 * <p>Called from the processor's thread. Should return quickly; if it throws, the message is not
 * given up and is retried on the next run.
 */
@FunctionalInterface
public interface DeadLetterHandler {

  /**
   * Takes a message that failed too often.
   *
   * @param message the message's summary (it may not even download)
   * @param failures how many attempts failed
   * @param lastFailure what the last attempt threw
   */
  void deadLetter(MessageSummary message, int failures, Exception lastFailure);
}
