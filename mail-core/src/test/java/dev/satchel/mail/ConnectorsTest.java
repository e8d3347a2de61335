package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import org.junit.jupiter.api.Test;

/** mail-core alone has no protocol module on its class path: the doors must say which one to add. */
class ConnectorsTest {
  private static MailSettings settings(Protocol protocol) {
    return MailSettings.builder().server(protocol, "127.0.0.1", 1, Security.NONE).password("alice", "pw").build();
  }

  @Test
  void mailboxConnectWithoutImapConnectorNamesTheArtifact() {
    assertThatIllegalStateException().isThrownBy(() -> Mailbox.connect(settings(Protocol.IMAP)))
        .withMessage("no connector for IMAP on the class path; add dev.satchel:mail-imap");
  }

  @Test
  void mailboxConnectWithoutPop3ConnectorNamesTheArtifact() {
    assertThatIllegalStateException().isThrownBy(() -> Mailbox.connect(settings(Protocol.POP3)))
        .withMessage("no connector for POP3 on the class path; add dev.satchel:mail-pop3");
  }

  @Test
  void transportConnectWithoutSmtpConnectorNamesTheArtifact() {
    assertThatIllegalStateException().isThrownBy(() -> Transport.connect(settings(Protocol.SMTP)))
        .withMessage("no connector for SMTP on the class path; add dev.satchel:mail-smtp");
  }

  @Test
  void wrongDoorForTheProtocolSaysWhichDoorToUse() {
    assertThatIllegalArgumentException().isThrownBy(() -> Mailbox.connect(settings(Protocol.SMTP)))
        .withMessageContaining("use Transport.connect(settings)");
    assertThatIllegalArgumentException().isThrownBy(() -> Transport.connect(settings(Protocol.IMAP)))
        .withMessageContaining("use Mailbox.connect(settings)");
  }
}
