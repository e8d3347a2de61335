package dev.satchel.mail.imap;

import java.util.Map;

/**
 * One STATUS answer ({@code * STATUS "INBOX" (MESSAGES 3 UIDNEXT 4)}).
 *
 * @param name the mailbox name, decoded as in {@link ListEntry#name()}
 * @param items the status items by upper-case name ({@code MESSAGES}, {@code UIDNEXT},
 *     {@code UIDVALIDITY}, {@code UNSEEN}, {@code HIGHESTMODSEQ}, ...) with their values
 */
record StatusReply(String name, Map<String, Long> items) {
  /** Copies the items. */
  StatusReply {
    items = Map.copyOf(items);
  }
}
