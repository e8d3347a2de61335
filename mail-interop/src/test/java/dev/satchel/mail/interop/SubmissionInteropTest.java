package dev.satchel.mail.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailException;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.RejectedRecipient;
import dev.satchel.mail.Transport;
import dev.satchel.mail.interop.Harness.SmtpServer;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link SubmissionInteropContract} on Postfix 3.7 (submission 11587, MX 11025), with Postfix's own
 * refusal texts: {@code 550 5.1.1} for an unknown local user, {@code 554 5.7.1 Relay access denied},
 * {@code 530 5.7.0 Must issue a STARTTLS command first}, its success report, and no SMTPUTF8.
 */
@Interop
class SubmissionInteropTest extends SubmissionInteropContract {
  @Override
  SmtpServer server() {
    return SmtpServer.POSTFIX;
  }

  @Override
  Set<String> advertisedExtensions() {
    // SMTPUTF8 is off in the harness: Dovecot's LMTP lacks it, and Postfix would bounce such mail.
    return Set.of("PIPELINING", "SIZE", "8BITMIME", "DSN", "ENHANCEDSTATUSCODES", "CHUNKING", "STARTTLS");
  }

  @Override
  void assertUnknownUserRefusal(RejectedRecipient refusal) {
    assertThat(refusal.enhancedStatus()).hasValue("5.1.1");
    assertThat(refusal.text()).contains("User unknown in virtual mailbox table");
  }

  @Override
  void assertRelayRefusal(RejectedRecipient refusal) {
    assertThat(refusal.replyCode()).isEqualTo(554);
    assertThat(refusal.enhancedStatus()).hasValue("5.7.1");
    assertThat(refusal.text()).contains("Relay access denied");
  }

  @Override
  void assertStartTlsRefusal(MailException refusal) {
    assertThat(refusal).hasMessageContaining("Must issue a STARTTLS command first");
  }

  @Override
  void assertSuccessReport(String report) {
    // Postfix calls a hand-over to Dovecot's LMTP "relayed" (the next hop offers no DSN).
    assertThat(report).contains("Subject: Successful Mail Delivery Report").contains("Action: relayed");
  }

  @Test
  void aUtf8AddressIsRefusedBeforeAnythingIsSentBecauseThisPostfixOffersNoSmtpUtf8() {
    // The harness turns SMTPUTF8 off in Postfix (Dovecot's LMTP lacks it and Postfix would bounce such mail).
    OutgoingMessage utf8 = OutgoingMessage.builder().from("carol@example.test").to("dävé@example.test")
        .subject(Mail.uniqueSubject("UTF-8")).text("Hallo.").build();
    try (Transport smtp = Transport.connect(submission("carol"))) {
      assertThatThrownBy(() -> smtp.send(utf8)).isInstanceOf(MailCommandException.class)
          .hasMessageContaining("dävé@example.test has a non-ASCII local part, which needs SMTPUTF8")
          .hasMessageContaining("does not offer SMTPUTF8; nothing was sent");
      // the connection is still usable
      assertThat(smtp.send(Mail.message("carol", "dave", Mail.uniqueSubject("After UTF-8"))).isComplete()).isTrue();
    }
  }
}
