/**
 * Satchel's wire core, shared by its protocol engines: a connection (socket, implicit TLS and
 * STARTTLS on one configured trust, connect/read/write timeouts and an overall deadline per
 * operation, COMPRESS=DEFLATE streams), a bounded line reader, SASL client mechanisms and a redacting
 * protocol trace. Internal: exported only to Satchel's sibling modules.
 */
@NullMarked
package dev.satchel.mail.internal.wire;

import org.jspecify.annotations.NullMarked;
