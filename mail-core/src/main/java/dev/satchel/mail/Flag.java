package dev.satchel.mail;

/**
 * A system flag of a message (RFC 9051 section 2.3.2). Custom keywords are plain strings.
 */
public enum Flag {
  /** {@code \Seen}: the message has been read. */
  SEEN,
  /** {@code \Answered}: the message has been answered. */
  ANSWERED,
  /** {@code \Flagged}: the message is flagged for attention. */
  FLAGGED,
  /** {@code \Deleted}: the message is marked for removal. */
  DELETED,
  /** {@code \Draft}: the message is a draft. */
  DRAFT
}
