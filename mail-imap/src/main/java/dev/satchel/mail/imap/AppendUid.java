package dev.satchel.mail.imap;

/**
 * The {@code [APPENDUID uidvalidity uid]} response code of APPEND (RFC 4315): the UID the appended
 * message got.
 *
 * @param uidValidity the mailbox's UIDVALIDITY
 * @param uid the new message's UID
 */
record AppendUid(long uidValidity, long uid) {}
