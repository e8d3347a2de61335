package dev.satchel.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Server;
import dev.satchel.mail.MailException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FolderClosedException;
import jakarta.mail.MessagingException;
import jakarta.mail.StoreClosedException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
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

  /** Angus's synthetic answer for a connection the server dropped, as its IMAP layer wrote it. */
  private static final String ANGUS_BYE = "* BYE Jakarta Mail Exception: java.io.IOException: Connection dropped by server?";

  @Test
  void angusWordingNeverReachesASatchelMessage() {
    List<Exception> angus = List.of(
        new MessagingException(ANGUS_BYE),
        new MessagingException("Jakarta Mail Exception: java.net.SocketException: Broken pipe"),
        new FolderClosedException(null, ANGUS_BYE),
        new StoreClosedException(null, ANGUS_BYE),
        new MessagingException("fetch failed", new IOException("Connection dropped by server?")),
        new MimeAccessException("cannot read message 7: " + ANGUS_BYE, new MessagingException(ANGUS_BYE)));
    for (Exception e : angus) {
      for (MailException translated : List.of(MailExceptions.translate("fetch UID 7", SERVER, e),
          MailExceptions.translateConnect(SERVER, e))) {
        assertThat(translated.getMessage()).as("translated from %s", e)
            .doesNotContainIgnoringCase("Jakarta Mail")
            .doesNotContainIgnoringCase("Connection dropped by server")
            .doesNotContain("java.io.IOException")
            .doesNotContain("java.net.SocketException")
            .contains("mail.example.com");
      }
    }
    assertThat(MailExceptions.translate("fetch UID 7", SERVER, new MessagingException(ANGUS_BYE)))
        .isInstanceOf(MailConnectionException.class)
        .hasMessage("fetch UID 7 failed: the connection to " + SERVER + " was lost (the server closed the connection)");
    assertThat(MailExceptions.translate("fetch UID 7", SERVER,
            new MessagingException("Jakarta Mail Exception: java.net.SocketException: Broken pipe")))
        .isInstanceOf(MailConnectionException.class).hasMessageEndingWith("was lost (Broken pipe)");
  }

  @Test
  void ownWordsKeepOrdinaryServerText() {
    assertThat(MailExceptions.ownWords("NO [OVERQUOTA] Quota exceeded")).isEqualTo("NO [OVERQUOTA] Quota exceeded");
    assertThat(MailExceptions.ownWords("see dev.satchel.mail for details")).isEqualTo("see dev.satchel.mail for details");
    assertThat(MailExceptions.ownWords(ANGUS_BYE)).isEqualTo("the server closed the connection");
    assertThat(MailExceptions.ownWords("* BYE Jakarta Mail Exception: ")).isEmpty();
  }
}
