package dev.satchel.mail.imap;

/**
 * One VANISHED answer (RFC 7162 QRESYNC): UIDs expunged from the selected mailbox.
 *
 * @param earlier true for {@code VANISHED (EARLIER)}, the answer to a resynchronisation, false for an
 *     expunge happening now
 * @param uids the UIDs, sorted ascending and distinct; not copied, do not change
 */
@SuppressWarnings("ArrayRecordComponent") // may hold millions of UIDs: no boxing, no copy
record Vanished(boolean earlier, long[] uids) {}
