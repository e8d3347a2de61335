/**
 * Satchel's testkit: a test mail server, a JUnit 5 extension, AssertJ assertions on received and
 * fetched mail, seeding helpers, a fault-injecting TCP proxy with capability masking, and the
 * {@code Mailbox} contract suite. Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.satchel.mail.testkit;

import org.jspecify.annotations.NullMarked;
