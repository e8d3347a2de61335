package dev.satchel.mail;

import java.time.Duration;

/**
 * Receives what {@link Mailbox#watch} sees. Called from the watch's own thread, one call at a
 * time; implementations should return quickly and must not throw (a thrown exception is logged and
 * ignored).
 */
public interface MailboxListener {

  /** Something changed in the watched folder. Never called with empty {@code changes}. */
  void onChanges(Folder folder, Changes changes);

  /**
   * The connection was lost; the watch reconnects after {@code retryIn} and then reports what changed
   * in the gap through {@link #onChanges}. Default: nothing.
   */
  default void onDisconnected(MailException cause, Duration retryIn) {}
}
