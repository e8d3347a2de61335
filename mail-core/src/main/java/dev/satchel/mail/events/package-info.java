/**
 * Events Satchel reports about what it is doing — connections, logins, command round trips, sends,
 * inbox processing and watch reconnects — for metrics and monitoring, without any dependency.
 *
 * <p>Register a {@link dev.satchel.mail.events.MailEventListener} with
 * {@link dev.satchel.mail.MailSettings.Builder#eventListener}. Events carry no personal data: no
 * address, user name, subject, password or server text; only an account name chosen by the
 * application, protocol, host, command verbs, counts, durations and outcomes.
 */
@NullMarked
package dev.satchel.mail.events;

import org.jspecify.annotations.NullMarked;
