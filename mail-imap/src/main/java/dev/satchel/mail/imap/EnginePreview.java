package dev.satchel.mail.imap;

import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.imap.engine.ImapSession;
import dev.satchel.mail.imap.engine.ImapValue;
import dev.satchel.mail.internal.Base64DecodingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Not API (the module does not export this package): lets mail-bench measure Satchel's IMAP engine on a
 * bare session, one streamed command per download, beside {@code Mailbox} on the same engine; the gap
 * between the two is the cost of the Mailbox's bookkeeping and chunked streams.
 */
public final class EnginePreview {
  private EnginePreview() {}

  /** Takes a stream; may throw I/O errors. */
  @FunctionalInterface
  public interface StreamConsumer {
    void accept(InputStream in) throws IOException;
  }

  /**
   * Connects, logs in and streams section {@code section} of message {@code uid} in {@code folder}
   * ({@code BODY.PEEK[section]}, one command, no partial fetches) to {@code consumer}, base64-decoded
   * when {@code base64}; the body is never held whole when it is larger than the parser's in-memory
   * limit.
   */
  public static void streamSection(MailSettings settings, String folder, long uid, String section, boolean base64,
      Duration operationTimeout, StreamConsumer consumer) {
    try (ImapSession session = ImapSession.open(settings, operationTimeout)) {
      session.execute("EXAMINE " + ImapSession.quoteName(folder), r -> { });
      boolean[] streamed = {false};
      List<byte[]> small = new ArrayList<>();
      session.execute("UID FETCH " + uid + " (BODY.PEEK[" + section + "])", r -> {
        ImapValue.ListValue items = EngineFetch.fetchItems(r);
        if (items != null && EngineFetch.item(items, "BODY[" + section + "]") instanceof ImapValue.Str s) {
          small.add(s.bytes());
        }
      }, (before, size, body) -> {
        streamed[0] = true;
        consumer.accept(base64 ? new Base64DecodingInputStream(body) : body);
        return true;
      });
      if (!streamed[0]) {
        if (small.isEmpty()) {
          throw new MailConnectionException("the server sent no BODY[" + section + "] for UID " + uid);
        }
        try {
          InputStream in = new ByteArrayInputStream(small.get(0));
          consumer.accept(base64 ? new Base64DecodingInputStream(in) : in);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    }
  }

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
