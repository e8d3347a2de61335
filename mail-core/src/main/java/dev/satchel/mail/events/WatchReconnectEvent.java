package dev.satchel.mail.events;

import dev.satchel.mail.Protocol;

/**
 * A watch lost its connection and connected again.
 *
 * @param account the account name of the settings (never an address)
 * @param protocol the protocol
 */
public record WatchReconnectEvent(String account, Protocol protocol) {}
