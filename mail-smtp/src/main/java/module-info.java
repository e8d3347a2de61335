/**
 * SMTP for Satchel, on Satchel's own wire core and SMTP engine. Exports nothing: applications use the
 * {@code dev.satchel.mail} API and this module's connector is found through {@link java.util.ServiceLoader}.
 */
module dev.satchel.mail.smtp {
  requires dev.satchel.mail;
  requires org.slf4j;
  // jDKIM 0.5 has no module name of its own: this is the automatic name of apache-jdkim-library-0.5.jar
  requires apache.jdkim.library;

  provides dev.satchel.mail.spi.TransportConnector with dev.satchel.mail.smtp.SmtpConnector;
}
