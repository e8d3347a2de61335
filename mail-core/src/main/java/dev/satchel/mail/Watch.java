package dev.satchel.mail;

/**
 * A running {@link Mailbox#watch}. {@link #close()} stops it and closes every connection it opened;
 * it is idempotent. Thread-safe.
 */
public interface Watch extends AutoCloseable {

  /** True until {@link #close()} was called. */
  boolean isRunning();

  /** Stops the watch and closes its connections. Idempotent; never throws. */
  @Override
  void close();
}
