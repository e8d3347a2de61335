/**
 * POP3 for Satchel, on Satchel's own POP3 engine and wire core. Exports nothing: applications use the {@code dev.satchel.mail} API
 * and this module's connector is found through {@link java.util.ServiceLoader}.
 */
module dev.satchel.mail.pop3 {
  requires dev.satchel.mail;
  requires org.slf4j;

  provides dev.satchel.mail.spi.MailboxConnector with dev.satchel.mail.pop3.Pop3Connector;
}
