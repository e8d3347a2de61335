package dev.satchel.mail;

/**
 * One header field as it appears in a message, unfolded; the value is decoded when it held RFC 2047
 * encoded words.
 *
 * @param name the field name, for example {@code "Received"}
 * @param value the unfolded value
 */
public record Header(String name, String value) {}
