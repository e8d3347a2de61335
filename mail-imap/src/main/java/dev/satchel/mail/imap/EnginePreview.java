package dev.satchel.mail.imap;

import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.imap.engine.ImapSession;
import java.time.Duration;
import java.util.List;

/**
 * Not API (the module does not export this package): lets mail-bench measure Satchel's own IMAP
 * engine before {@code Mailbox} runs on it.
 */
public final class EnginePreview {
  private EnginePreview() {}

  /**
   * Connects, logs in and lists {@code folder} on the engine.
   *
   * @throws MailConnectionException when a UID asked for was not answered (the engine has no
   *     fallback fetch yet)
   */
  public static List<MessageSummary> list(MailSettings settings, String folder, Duration operationTimeout) {
    try (ImapSession session = ImapSession.open(settings, operationTimeout)) {
      EngineListing.Result r = EngineListing.list(session, folder);
      if (!r.missing().isEmpty()) {
        throw new MailConnectionException("the server did not answer for " + r.missing().size() + " UIDs of " + folder);
      }
      return r.summaries();
    }
  }
}
