package dev.satchel.mail.events;

import dev.satchel.mail.Protocol;
import java.time.Duration;

/**
 * A login finished.
 *
 * @param account the account name of the settings (never an address)
 * @param protocol the protocol
 * @param mechanism how Satchel logged in: a SASL mechanism ({@code PLAIN}, {@code XOAUTH2}, ...),
 *     {@code LOGIN} (IMAP), {@code USER} or {@code APOP} (POP3)
 * @param duration how long the login took
 * @param outcome {@code ok}, {@code refused} (the server said no) or {@code failed} (anything else)
 */
public record LoginEvent(String account, Protocol protocol, String mechanism, Duration duration, String outcome) {}
