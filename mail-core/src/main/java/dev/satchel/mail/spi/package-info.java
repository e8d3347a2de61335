/**
 * Service interfaces that protocol modules implement; applications do not use these directly.
 */
@NullMarked
package dev.satchel.mail.spi;

import org.jspecify.annotations.NullMarked;
