/**
 * Satchel's own IMAP engine (RFC 3501 / 9051), on the wire core: the response parser first. Not
 * exported; in progress — mail-imap still speaks IMAP through Angus until the engine is complete.
 */
@NullMarked
package dev.satchel.mail.imap.engine;

import org.jspecify.annotations.NullMarked;
