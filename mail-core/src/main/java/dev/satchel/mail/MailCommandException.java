package dev.satchel.mail;

import java.util.List;
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
  private final List<RejectedRecipient> rejectedRecipients;

  /**
   * Creates the exception.
   *
   * @param command what was attempted, for example {@code "UID MOVE"} or {@code "select folder Archive"}
   * @param serverResponse the server's response line, or an empty string when there was none
   */
  public MailCommandException(String command, String serverResponse, @Nullable Throwable cause) {
    this(command, serverResponse, List.of(), cause);
  }

  /**
   * Creates the exception for a message that was not sent because the server refused recipients.
   *
   * @param command what was attempted, for example {@code "send message <id@host>"}
   * @param serverResponse the server's response, or a summary of the refusals
   * @param rejectedRecipients each refused recipient with the server's reply
   */
  public MailCommandException(String command, String serverResponse, List<RejectedRecipient> rejectedRecipients,
      @Nullable Throwable cause) {
    super(command + " refused by the server" + (serverResponse.isEmpty() ? "" : ": " + serverResponse), cause);
    this.command = command;
    this.serverResponse = serverResponse;
    this.rejectedRecipients = List.copyOf(rejectedRecipients);
  }

  /** What was attempted. */
  public String command() {
    return command;
  }

  /** The server's response, possibly empty. */
  public String serverResponse() {
    return serverResponse;
  }

  /**
   * The recipients the server refused, when this exception is about a message that was not sent
   * because of them (for example with {@link SendOptions.Builder#requireAllRecipients(boolean)});
   * otherwise empty.
   */
  public List<RejectedRecipient> rejectedRecipients() {
    return rejectedRecipients;
  }
}
