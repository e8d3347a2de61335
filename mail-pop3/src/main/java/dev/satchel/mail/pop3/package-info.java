/**
 * The POP3 implementation of {@link dev.satchel.mail.Mailbox}: download-only, one folder, deletions
 * committed at a clean close. Not an API: reach it through {@code Mailbox.connect(settings)}.
 */
@NullMarked
package dev.satchel.mail.pop3;

import org.jspecify.annotations.NullMarked;
