/**
 * A test mail server for code that uses Satchel: {@link dev.satchel.mail.testkit.TestMailServer}
 * (SMTP, IMAP and POP3 on loopback, plain and implicit TLS, on dynamic ports, built on GreenMail)
 * and {@link dev.satchel.mail.testkit.TestMailServerExtension}, a JUnit 5 extension that injects
 * and closes it.
 */
@NullMarked
package dev.satchel.mail.testkit;

import org.jspecify.annotations.NullMarked;
