/**
 * Micrometer meters from Satchel's mail events: {@code dev.satchel.mail.micrometer.MicrometerMailEvents}.
 * Exports {@code dev.satchel.mail.micrometer}.
 */
module dev.satchel.mail.micrometer {
  requires transitive dev.satchel.mail;
  requires transitive micrometer.core;
  requires static org.jspecify;

  exports dev.satchel.mail.micrometer;
}
