package dev.satchel.mail;

import java.util.OptionalLong;

/**
 * Counters of a folder at one moment (IMAP STATUS; POP3 STAT).
 *
 * @param folder the folder
 * @param messages number of messages
 * @param unseen number of messages without \Seen, when the protocol knows
 * @param uidValidity the UIDVALIDITY, when the protocol has one
 * @param uidNext the next UID the server will assign, when known
 * @param highestModSeq the HIGHESTMODSEQ (CONDSTORE), when the server has one
 */
public record FolderStatus(
    Folder folder,
    long messages,
    OptionalLong unseen,
    OptionalLong uidValidity,
    OptionalLong uidNext,
    OptionalLong highestModSeq) {

  /**
   * Validates the counters.
   *
   * @throws IllegalArgumentException when {@code messages} is negative
   */
  public FolderStatus {
    if (messages < 0) {
      throw new IllegalArgumentException("messages must be >= 0, was " + messages);
    }
  }
}
