package dev.satchel.mail.events;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import java.time.Duration;

/**
 * A connection was established.
 *
 * @param account the account name of the settings (never an address)
 * @param protocol the protocol
 * @param host the server's host name
 * @param port the server's port
 * @param security how the connection is protected
 * @param duration how long connecting (and an implicit TLS handshake) took
 */
public record ConnectionEvent(String account, Protocol protocol, String host, int port, Security security,
    Duration duration) {}
