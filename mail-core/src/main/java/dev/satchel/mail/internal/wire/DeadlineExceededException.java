package dev.satchel.mail.internal.wire;

import java.io.InterruptedIOException;

/**
 * An operation ran past its {@link Deadline} while waiting for the server: the connection is closed.
 * An {@link InterruptedIOException} (like a read timeout), so that code which handles timeouts
 * handles this too; its message names the deadline.
 */
public final class DeadlineExceededException extends InterruptedIOException {
  private static final long serialVersionUID = 1L;

  /** @param deadline the deadline that passed */
  public DeadlineExceededException(Deadline deadline) {
    super("the operation did not finish within its deadline of " + deadline.budget().toMillis()
        + " ms (the server kept the connection busy without finishing its answer); the connection was closed");
  }
}
