package dev.satchel.mail.imap;

import dev.satchel.mail.imap.engine.ImapValue;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@link EngineMessageReader} needs from the connection, for one message: the mailbox that
 * runs the engine implements it over its session, with the message's folder selected. Every fetch
 * it runs must use BODY.PEEK so that reading never sets \Seen.
 */
interface MessageSource {
  /** Runs "UID FETCH <uid> (<items>)" for this message; its FETCH item list, or null when the message is gone. */
  ImapValue.@Nullable ListValue fetch(String items);

  /** Several sections' bytes at once (one FETCH with several BODY.PEEK[sec] items); a missing section is absent from the map. */
  Map<String, byte[]> sections(List<String> sections);

  /** A lazily fetched stream of one section (BODY.PEEK[section]), size known from BODYSTRUCTURE or -1. */
  InputStream open(String section, long size);
}
