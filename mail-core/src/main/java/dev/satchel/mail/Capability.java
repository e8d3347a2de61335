package dev.satchel.mail;

/**
 * What a {@link Mailbox} can do on this connection, derived from the protocol and from what the
 * server advertised. An operation works exactly when its capability is present, and throws
 * {@link UnsupportedCapabilityException} when it is absent.
 */
public enum Capability {
  /** More than one folder: list, create, rename, delete folders (IMAP). */
  FOLDERS,
  /** System flags such as \Seen stored on the server, visible to every client (IMAP). */
  SERVER_FLAGS,
  /** Custom keywords stored on the server (IMAP, when PERMANENTFLAGS allows {@code \*}). */
  KEYWORDS,
  /** Copy messages between folders on the server (IMAP). */
  COPY,
  /** Move messages between folders on the server (IMAP MOVE, or COPY + UID EXPUNGE with UIDPLUS). */
  MOVE,
  /** Delete messages on the server (IMAP; POP3 at a clean QUIT). */
  DELETE,
  /** Store a message in a folder (IMAP APPEND). */
  APPEND,
  /** Search on the server (IMAP SEARCH). */
  SERVER_SEARCH,
  /** Be told about new mail as it arrives (IMAP IDLE). */
  PUSH,
  /** Storage usage and limit (IMAP QUOTA). */
  QUOTA,
  /** Efficient change tracking since a saved state (IMAP CONDSTORE/QRESYNC). */
  CHANGES_SINCE,
  /** Folders marked with their role: Sent, Drafts, Trash, Junk, Archive (IMAP SPECIAL-USE). */
  SPECIAL_USE,
  /** Headers without the body (POP3 TOP; always possible over IMAP). */
  HEADERS_ONLY,
  /** Stable message identities across sessions (IMAP UID; POP3 UIDL). */
  UNIQUE_IDS
}
