package dev.satchel.mail.imap;

/**
 * One namespace of a NAMESPACE answer (RFC 2342): where mailboxes of that kind are created.
 *
 * @param prefix the prefix of mailbox names in it, decoded as a mailbox name, for example
 *     {@code ""} or {@code "INBOX."}
 * @param delimiter the hierarchy delimiter, or {@code '\0'} when the server sent NIL
 */
record Namespace(String prefix, char delimiter) {}
