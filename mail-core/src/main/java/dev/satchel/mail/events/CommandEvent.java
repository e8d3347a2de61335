package dev.satchel.mail.events;

import dev.satchel.mail.Protocol;
import java.time.Duration;

/**
 * A command got its final answer.
 *
 * @param account the account name of the settings (never an address)
 * @param protocol the protocol
 * @param command the command verb only, upper case ({@code FETCH}, {@code UID}, {@code RCPT}), never its
 *     arguments
 * @param duration from sending the command to reading its final answer
 * @param outcome IMAP: {@code ok}, {@code no}, {@code bad}; POP3: {@code ok}, {@code err}; SMTP:
 *     {@code ok} (2xx/3xx), {@code transient} (4xx), {@code permanent} (5xx)
 */
public record CommandEvent(String account, Protocol protocol, String command, Duration duration, String outcome) {}
