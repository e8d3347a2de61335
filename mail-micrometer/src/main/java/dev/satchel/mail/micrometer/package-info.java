/**
 * Micrometer meters from Satchel's mail events; see {@link dev.satchel.mail.micrometer.MicrometerMailEvents}.
 */
@NullMarked
package dev.satchel.mail.micrometer;

import org.jspecify.annotations.NullMarked;
