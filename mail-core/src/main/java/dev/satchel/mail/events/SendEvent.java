package dev.satchel.mail.events;

import java.time.Duration;

/**
 * One message was sent over SMTP, or the attempt failed.
 *
 * @param account the account name of the settings (never an address)
 * @param accepted how many recipients the server accepted
 * @param rejected how many recipients the server refused
 * @param duration how long the send took
 * @param outcome {@code sent} (every recipient accepted), {@code partial} (some refused),
 *     {@code rejected} (the server refused the message or every recipient), {@code delivery-unknown}
 *     (the connection broke after the message was handed over: it may have been delivered) or
 *     {@code failed}
 */
public record SendEvent(String account, int accepted, int rejected, Duration duration, String outcome) {}
