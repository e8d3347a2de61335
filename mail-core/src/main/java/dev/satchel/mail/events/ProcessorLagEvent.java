package dev.satchel.mail.events;

import java.time.Duration;

/**
 * The end of an inbox processor run: how far behind it is. Reported after every run, with a lag of
 * zero when the run left no message unhandled, so that a gauge of it falls back.
 *
 * @param account the account name of the processor's settings
 * @param lag the age of the oldest message the run did not hand over (waiting for a retry, or failed
 *     in this run), by its receive date (IMAP INTERNALDATE; POP3 and messages without one: the Date
 *     header, which the sender sets); zero when every message was handed over or none has a date
 */
public record ProcessorLagEvent(String account, Duration lag) {}
