/**
 * Satchel's protocol-neutral mail API: {@link dev.satchel.mail.Mailbox} for reading (IMAP, POP3),
 * {@link dev.satchel.mail.Transport} for sending (SMTP), settings, the message model and errors.
 *
 * <p>Protocol implementations live in sibling modules ({@code dev.satchel.mail.imap},
 * {@code dev.satchel.mail.pop3}, {@code dev.satchel.mail.smtp}) and are found through
 * {@link java.util.ServiceLoader}. The {@code internal} package is shared with those modules only.
 */
module dev.satchel.mail {
  requires static transitive org.jspecify;
  requires org.slf4j;
  requires java.logging;
  requires transitive jakarta.mail;
  requires org.eclipse.angus.mail;

  exports dev.satchel.mail;
  exports dev.satchel.mail.spi;
  exports dev.satchel.mail.events;
  exports dev.satchel.mail.internal.wire to
      dev.satchel.mail.imap,
      dev.satchel.mail.pop3,
      dev.satchel.mail.smtp;
  exports dev.satchel.mail.internal to
      dev.satchel.mail.imap,
      dev.satchel.mail.pop3,
      dev.satchel.mail.smtp,
      dev.satchel.mail.providers,
      dev.satchel.mail.testkit;

  uses dev.satchel.mail.spi.MailboxConnector;
  uses dev.satchel.mail.spi.TransportConnector;
}
