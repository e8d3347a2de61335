package dev.satchel.mail;

import java.util.Objects;
import java.util.Optional;

/**
 * A message an {@link InboxProcessor} gave up on after {@link InboxProcessor.Builder#maxFailures(int)}
 * failed attempts, as its {@link Handler} receives it: what identifies the message, how it failed,
 * and the message itself, so that the application can keep, forward or report it.
 *
 * <pre>{@code
 * .deadLetter(letter -> {
 *   try (InputStream raw = letter.raw().open()) {         // the message as the server holds it
 *     quarantine.store(letter.summary().uid().asString(), raw);
 *   }
 *   alerts.send("gave up on " + letter.summary().envelope().subject(), letter.lastFailure());
 * })
 * }</pre>
 *
 * <p><b>When the content can be had.</b> {@link #message()} is the message as the last attempt
 * downloaded it and handed it to the {@link MessageHandler}; it is empty when that download failed
 * (the message could not be fetched or parsed, so the handler never saw it). {@link #raw()} opens
 * the message's bytes from the server. Both read through the run's open {@link Mailbox}: read
 * {@code raw()} and the message's attachments and inline parts before the handler returns. Afterwards
 * the mailbox may be closed, and reading them throws an {@link IllegalStateException} saying so.
 * The summary, headers and text and HTML bodies of {@code message()} stay usable.
 *
 * @param summary the message's summary: uid, flags, size, envelope (always present, even when the
 *     message could not be downloaded)
 * @param failures how many attempts failed
 * @param lastFailure what the last attempt threw
 * @param message the message as last downloaded; empty when the last attempt could not download it
 * @param raw opens the message's raw RFC 5322 bytes from the server (a fresh stream per call, which
 *     the caller closes before the handler returns); throws {@link MailException} when the server
 *     cannot deliver them
 */
public record DeadLetter(
    MessageSummary summary, int failures, Exception lastFailure, Optional<Message> message, ContentSource raw) {

  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException when {@code failures} is below 1
   */
  public DeadLetter {
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(lastFailure, "lastFailure");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(raw, "raw");
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be >= 1, was " + failures);
    }
  }

  /** Names the message and the failure; never the message's content. */
  @Override
  public String toString() {
    return "DeadLetter[uid=" + summary.uid() + ", failures=" + failures + ", lastFailure="
        + lastFailure.getClass().getName() + ", downloaded=" + message.isPresent() + "]";
  }

  /**
   * Receives the messages an {@link InboxProcessor} gave up on, whole: the richer form of
   * {@link DeadLetterHandler}, given to {@link InboxProcessor.Builder#deadLetter(Handler)}.
   *
   * <p>Called from the processor's thread while the run's mailbox is open, one message at a time.
   * Should return quickly. When it throws, the message is not given up: it is handed to the
   * {@link MessageHandler} again later (on the next run, or after the retry backoff of a running
   * processor) and, failing again, comes back here.
   */
  @FunctionalInterface
  public interface Handler {
    /**
     * Takes a message that failed too often.
     *
     * @throws Exception any failure: the message is not given up yet
     */
    void deadLetter(DeadLetter letter) throws Exception;
  }
}
