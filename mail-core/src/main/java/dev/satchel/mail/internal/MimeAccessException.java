package dev.satchel.mail.internal;

/**
 * Thrown by {@link MimeReader} when a message's content cannot be reached at all: the input stream
 * failed, or a lazily loaded message (for example an IMAP message whose connection dropped) could not
 * be fetched. Never thrown for malformed content, which is reported in
 * {@link dev.satchel.mail.Message#problems()} instead.
 *
 * <p>The cause is the {@link java.io.IOException} or {@link jakarta.mail.MessagingException};
 * protocol modules turn it into a {@link dev.satchel.mail.MailException} with
 * {@link MailExceptions#translate}.
 */
public final class MimeAccessException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // exceptions are not serialised by Satchel
  private final Exception failure;

  /** Creates the exception; {@code cause} is the I/O or Jakarta Mail failure. */
  public MimeAccessException(String message, Exception cause) {
    super(message, cause);
    this.failure = cause;
  }

  /** The underlying failure (the same object as {@link #getCause()}), for {@link MailExceptions#translate}. */
  public Exception failure() {
    return failure;
  }
}
