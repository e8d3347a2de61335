package dev.satchel.mail.imap;

/**
 * The {@code [COPYUID uidvalidity source destination]} response code of COPY and MOVE (RFC 4315,
 * RFC 6851): which UID each copied message got in the destination mailbox.
 *
 * @param uidValidity the destination mailbox's UIDVALIDITY
 * @param source the source UIDs in the server's order; not copied, do not change
 * @param destination the destination UIDs, {@code destination[i]} being the copy of {@code source[i]};
 *     the same length as {@code source}; not copied, do not change
 */
@SuppressWarnings("ArrayRecordComponent") // a pair of arrays read in lock step, kept as the server's order
record CopyUid(long uidValidity, long[] source, long[] destination) {}
