/**
 * Working server settings for an email address: the built-in provider registry, a Thunderbird
 * autoconfig (clientConfig v1.1) reader and autodiscovery. Exports {@code dev.satchel.mail.providers}.
 */
module dev.satchel.mail.providers {
  requires transitive dev.satchel.mail;
  requires static org.jspecify;
  requires org.slf4j;
  requires java.net.http;
  requires java.naming;
  requires java.xml;

  exports dev.satchel.mail.providers;
}
