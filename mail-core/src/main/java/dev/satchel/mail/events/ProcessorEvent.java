package dev.satchel.mail.events;

import java.time.Duration;

/**
 * An inbox processor's outcome for one message.
 *
 * @param account the account name of the processor's settings (never an address, never the subject)
 * @param duration how long the handler (or the dead-letter handler) ran
 */
public record ProcessorEvent(String account, Duration duration) {}
