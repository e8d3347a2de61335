package dev.satchel.mail;

import org.jspecify.annotations.Nullable;

/**
 * The server refused one command (for example a folder that does not exist, a quota exceeded, a
 * recipient rejected). The session is still usable. {@link #serverResponse()} holds the server's
 * own words.
 */
public final class MailCommandException extends MailException {
  private static final long serialVersionUID = 1L;

  private final String command;
  private final String serverResponse;

  /**
   * Creates the exception.
   *
   * @param command what was attempted, for example {@code "UID MOVE"} or {@code "select folder Archive"}
   * @param serverResponse the server's response line, or an empty string when there was none
   */
  public MailCommandException(String command, String serverResponse, @Nullable Throwable cause) {
    super(command + " refused by the server" + (serverResponse.isEmpty() ? "" : ": " + serverResponse), cause);
    this.command = command;
    this.serverResponse = serverResponse;
  }

  /** What was attempted. */
  public String command() {
    return command;
  }

  /** The server's response, possibly empty. */
  public String serverResponse() {
    return serverResponse;
  }
}
