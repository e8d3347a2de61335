/**
 * Glue shared by Satchel's own modules: MIME conversion, Angus session set-up and the single place
 * where Jakarta Mail exceptions become {@link dev.satchel.mail.MailException}s. Not an API: exported
 * only to sibling modules and free to change in any release.
 */
@NullMarked
package dev.satchel.mail.internal;

import org.jspecify.annotations.NullMarked;
