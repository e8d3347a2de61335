package dev.satchel.mail;

/**
 * Receives the summaries of the messages an {@link InboxProcessor} gave up on after its configured
 * number of failed attempts, so that one bad message does not block the inbox. The message is not
 * handed to the {@link MessageHandler} again; it stays on the server untouched, or goes where
 * {@link AfterDeadLetter} says.
 *
 * <p>This is the summary-only form. To read the whole message (its text, attachments and raw bytes),
 * give a {@link DeadLetter.Handler} to {@link InboxProcessor.Builder#deadLetter(DeadLetter.Handler)}
 * instead.
 *
 * <p>Called from the processor's thread. Should return quickly; if it throws, the message is not
 * given up and is retried later.
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
