/**
 * The Satchel mail API.
 *
 * <p>Start with {@link dev.satchel.mail.MailSettings#builder()} and then
 * {@link dev.satchel.mail.Mailbox#connect(MailSettings)} to read or
 * {@link dev.satchel.mail.Transport#connect(MailSettings)} to send. Every type here is non-null
 * unless marked {@code @Nullable}.
 */
@NullMarked
package dev.satchel.mail;

import org.jspecify.annotations.NullMarked;
