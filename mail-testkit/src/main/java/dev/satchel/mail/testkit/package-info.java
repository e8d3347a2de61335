/**
 * Satchel's testkit: {@link dev.satchel.mail.testkit.TestMailServer} (SMTP, IMAP and POP3 on
 * loopback, plain and implicit TLS, on dynamic ports, built on GreenMail) and
 * {@link dev.satchel.mail.testkit.TestMailServerExtension}, a JUnit 5 extension that injects and
 * closes it; recipient policies that make its SMTP refuse chosen recipients
 * ({@link dev.satchel.mail.testkit.RecipientPolicy}); AssertJ assertions on received and fetched mail
 * ({@link dev.satchel.mail.testkit.MailAssertions});
 * seeding helpers ({@link dev.satchel.mail.testkit.Seeder}); a fault-injecting TCP proxy with
 * capability masking ({@link dev.satchel.mail.testkit.FaultProxy}); and a reliability report
 * ({@link dev.satchel.mail.testkit.ReliabilityReport}). The {@code Mailbox} contract suite is in
 * {@code dev.satchel.mail.testkit.contract}. Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.satchel.mail.testkit;

import org.jspecify.annotations.NullMarked;
