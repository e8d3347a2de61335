package dev.satchel.mail;

import java.time.Instant;
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
 */
public record MessageSummary(
    Uid uid, Set<Flag> flags, Set<String> keywords, long size, Optional<Instant> internalDate, Envelope envelope) {

  /** Copies the sets. */
  public MessageSummary {
    flags = flags.isEmpty() ? Set.of() : Set.copyOf(flags);
    keywords = Set.copyOf(keywords);
  }

  /** True when {@link Flag#SEEN} is set. */
  public boolean isSeen() {
    return flags.contains(Flag.SEEN);
  }
}
