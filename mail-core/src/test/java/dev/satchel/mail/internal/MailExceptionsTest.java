package dev.satchel.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Server;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class MailExceptionsTest {
  private static final Server SERVER = new Server(Protocol.IMAP, "mail.example.com", 143, Security.NONE);

  @Test
  void aRefusalIsACommandFailureInASessionButAConnectionFailureWhileConnecting() {
    MessagingException refused = new MessagingException("* BYE go away");
    MessagingException garbage = new MessagingException("\u00ff\u00fe what");
    assertThat(MailExceptions.translate("list INBOX", SERVER, garbage)).isInstanceOf(MailCommandException.class);
    assertThat(MailExceptions.translateConnect(SERVER, garbage)).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("mail.example.com").hasMessageContaining("IMAP port");
    assertThat(MailExceptions.translateConnect(SERVER, refused)).isInstanceOf(MailConnectionException.class);
  }

  @Test
  void whileConnectingTimeoutsAndAuthenticationKeepTheirKind() {
    MessagingException timeout = new MessagingException("read", new SocketTimeoutException("Read timed out"));
    assertThat(MailExceptions.translateConnect(SERVER, timeout)).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("timed out");
    assertThat(MailExceptions.translateConnect(SERVER, new AuthenticationFailedException("no")))
        .isInstanceOf(MailAuthenticationException.class);
  }

  @Test
  void anUncheckedExceptionFromAngusIsAnAnswerThatCouldNotBeUnderstood() {
    assertThat(MailExceptions.translate("UIDL", SERVER, new NumberFormatException("For input string: \"x\"")))
        .isInstanceOf(MailConnectionException.class).hasMessageContaining("could not be understood")
        .hasMessageContaining("NumberFormatException");
  }

  @Test
  void anOutOfMemoryErrorInsideAngusIsRethrownNotReportedAsAProtocolError() {
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    MessagingException wrapped = new MessagingException("fetch failed", new RuntimeException(oom));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MailExceptions.translate("fetch", SERVER, wrapped))
        .isSameAs(oom);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MailExceptions.translateConnect(SERVER,
        new IllegalStateException("parse", oom))).isSameAs(oom);
  }
}
