/**
 * SMTP for Satchel, on Angus Mail. Exports nothing: applications use the {@code dev.satchel.mail} API
 * and this module's connector is found through {@link java.util.ServiceLoader}.
 */
module dev.satchel.mail.smtp {
  requires dev.satchel.mail;
  requires org.eclipse.angus.mail.smtp;
  requires org.slf4j;

  provides dev.satchel.mail.spi.TransportConnector with dev.satchel.mail.smtp.SmtpConnector;
}
