package dev.satchel.mail;

import java.util.Optional;

/**
 * What happened to the copy of a sent message that {@link SendOptions.Builder#saveToSent(Mailbox)}
 * asked for.
 *
 * @param saved true when the copy was appended
 * @param folder the Sent folder, when one was found
 * @param uid the copy's UID, when the server reported it (IMAP UIDPLUS)
 * @param problem why the copy was not saved; empty when {@code saved}
 */
public record SentCopy(boolean saved, Optional<Folder> folder, Optional<Uid> uid, Optional<String> problem) {

  /** A copy that was appended to {@code folder}. */
  public static SentCopy saved(Folder folder, Optional<Uid> uid) {
    return new SentCopy(true, Optional.of(folder), uid, Optional.empty());
  }

  /** A copy that could not be saved, with the reason (never a secret or message content). */
  public static SentCopy failed(Optional<Folder> folder, String problem) {
    return new SentCopy(false, folder, Optional.empty(), Optional.of(problem));
  }
}
