/**
 * The {@code Mailbox} contract suite: abstract JUnit 5 test classes that every
 * {@link dev.satchel.mail.Mailbox} implementation must pass. Extend
 * {@link dev.satchel.mail.testkit.contract.MailboxContract} in your test sources and supply a
 * {@link dev.satchel.mail.testkit.contract.MailboxFixture}.
 */
@NullMarked
package dev.satchel.mail.testkit.contract;

import org.jspecify.annotations.NullMarked;
