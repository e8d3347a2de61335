package dev.satchel.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Server;
import jakarta.mail.MessagingException;
import org.junit.jupiter.api.Test;

/** A server without STARTTLS under Security.STARTTLS is a connection failure, whatever Angus provider says it. */
class MailExceptionsStartTlsTest {

  @Test
  void missingStartTlsIsAConnectionFailureForEveryProvidersWording() {
    Server imap = new Server(Protocol.IMAP, "127.0.0.1", 143, Security.STARTTLS);
    Server smtp = new Server(Protocol.SMTP, "127.0.0.1", 587, Security.STARTTLS);
    assertThat(MailExceptions.translate("connect", imap, new MessagingException("STARTTLS required but not supported by server")))
        .isInstanceOf(MailConnectionException.class).hasMessageContaining("does not offer STARTTLS");
    assertThat(MailExceptions.translate("connect", smtp,
        new MessagingException("STARTTLS is required but host does not support STARTTLS")))
        .isInstanceOf(MailConnectionException.class).hasMessageContaining("does not offer STARTTLS");
  }
}
