package dev.satchel.mail;

/** The role of a folder (RFC 6154 SPECIAL-USE). */
public enum SpecialUse {
  /** {@code \All}: every message. */
  ALL,
  /** {@code \Archive}: archived messages. */
  ARCHIVE,
  /** {@code \Drafts}: drafts. */
  DRAFTS,
  /** {@code \Flagged}: flagged messages (usually virtual). */
  FLAGGED,
  /** {@code \Junk}: spam. */
  JUNK,
  /** {@code \Sent}: sent messages. */
  SENT,
  /** {@code \Trash}: deleted messages. */
  TRASH
}
