/**
 * Working server settings from an email address: a built-in registry of mail providers, a reader for
 * Thunderbird autoconfig files, and autodiscovery for domains the registry does not know.
 *
 * <pre>{@code
 * MailProvider icloud = MailProviders.builtIn().lookup("alice@icloud.com").orElseThrow();
 * MailSettings imap = icloud.settings("alice@icloud.com", Credentials.password("alice", appPassword), Protocol.IMAP);
 * // imap.credentials().username() is "alice"; the SMTP settings would use "alice@icloud.com"
 * }</pre>
 *
 * <p>Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.satchel.mail.providers;

import org.jspecify.annotations.NullMarked;
