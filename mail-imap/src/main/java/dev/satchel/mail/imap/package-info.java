/** IMAP implementation of {@link dev.satchel.mail.Mailbox}, on Angus Mail's imap provider. Internal. */
@NullMarked
package dev.satchel.mail.imap;

import org.jspecify.annotations.NullMarked;
