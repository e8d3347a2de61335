/**
 * IMAP for Satchel, on Satchel's own wire layer and IMAP engine (Angus Mail is used only through
 * mail-core, for MIME). Exports nothing: applications use the {@code dev.satchel.mail} API
 * and this module's connector is found through {@link java.util.ServiceLoader}.
 */
module dev.satchel.mail.imap {
  requires dev.satchel.mail;
  requires org.slf4j;

  provides dev.satchel.mail.spi.MailboxConnector with
      dev.satchel.mail.imap.ImapConnector;
}
