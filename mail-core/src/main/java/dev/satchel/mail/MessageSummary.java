package dev.satchel.mail;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a listing returns for each message, without the body.
 *
 * @param uid the message's stable identity
 * @param flags the system flags (empty over POP3, which has none on the server)
 * @param keywords the custom keywords (empty over POP3)
 * @param size the size in bytes as the server reports it (RFC822.SIZE; POP3 LIST)
 * @param internalDate when the server received the message (IMAP INTERNALDATE), when known
 * @param envelope the identifying headers
 * @param problems what could not be read as the server or the message gave it, in words (for
 *     example that the server's ENVELOPE for this message could not be parsed, so the envelope was
 *     read from the raw header instead, or that nothing but the UID could be read); empty for a
 *     well-formed message. A listing never leaves a message out because it is malformed: it lists
 *     it with what could be read and says here what could not.
 */
public record MessageSummary(
    Uid uid, Set<Flag> flags, Set<String> keywords, long size, Optional<Instant> internalDate, Envelope envelope,
    List<String> problems) {

  /** Copies the sets and the list. */
  public MessageSummary {
    flags = flags.isEmpty() ? Set.of() : Set.copyOf(flags);
    keywords = Set.copyOf(keywords);
    problems = List.copyOf(problems);
  }

  /** A summary without problems. */
  public MessageSummary(
      Uid uid, Set<Flag> flags, Set<String> keywords, long size, Optional<Instant> internalDate, Envelope envelope) {
    this(uid, flags, keywords, size, internalDate, envelope, List.of());
  }

  /** True when {@link Flag#SEEN} is set. */
  public boolean isSeen() {
    return flags.contains(Flag.SEEN);
  }
}
