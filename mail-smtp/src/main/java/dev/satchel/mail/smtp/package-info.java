/**
 * The SMTP {@link dev.satchel.mail.Transport} on Satchel's own SMTP engine. Internal: reached only through
 * {@link dev.satchel.mail.Transport#connect(dev.satchel.mail.MailSettings)}.
 */
@NullMarked
package dev.satchel.mail.smtp;

import org.jspecify.annotations.NullMarked;
