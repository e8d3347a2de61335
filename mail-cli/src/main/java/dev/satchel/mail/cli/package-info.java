/**
 * The {@code satchel} command: a demo on an embedded mail server, provider lookup, a settings doctor,
 * and list, fetch, send and sync for scripts. Start it with {@link dev.satchel.mail.cli.Satchel#main}.
 */
@NullMarked
package dev.satchel.mail.cli;

import org.jspecify.annotations.NullMarked;
