package dev.satchel.mail.events;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import java.time.Duration;

/**
 * A connection could not be established.
 *
 * @param account the account name of the settings (never an address)
 * @param protocol the protocol
 * @param host the server's host name
 * @param port the server's port
 * @param security how the connection was to be protected
 * @param duration how long the attempt took
 * @param failure the simple class name of the cause (such as {@code ConnectException}), never its message
 */
public record ConnectionFailedEvent(String account, Protocol protocol, String host, int port, Security security,
    Duration duration, String failure) {}
