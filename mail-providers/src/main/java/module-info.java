/**
 * Known server settings for an email address, and autodiscovery.
 */
module dev.satchel.mail.providers {
  requires transitive dev.satchel.mail;
  requires org.slf4j;
}
