package dev.satchel.mail.events;

import java.time.Duration;

/**
 * An inbox processor run ended with messages it did not hand over (yet): waiting for a retry, or
 * failed in this run.
 *
 * @param account the account name of the processor's settings
 * @param lag the age of the oldest of those messages, by its server receive date (IMAP INTERNALDATE;
 *     POP3: the Date header), zero when unknown
 */
public record ProcessorLagEvent(String account, Duration lag) {}
