package dev.satchel.mail.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.MailException;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.RejectedRecipient;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.Transport;
import dev.satchel.mail.interop.Harness.SmtpServer;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link SubmissionInteropContract} on Exim 4.96 (submission 14587, MX 14025; interop/harness/exim.sh),
 * with Exim's own refusal texts and success report, and SMTPUTF8: Exim offers it, so UTF-8 local parts
 * go through. Exim offers no ENHANCEDSTATUSCODES, so its refusals carry none.
 */
@Interop
class EximSubmissionInteropTest extends SubmissionInteropContract {
  @Override
  SmtpServer server() {
    return SmtpServer.EXIM;
  }

  @Override
  Set<String> advertisedExtensions() {
    return Set.of("PIPELINING", "SIZE", "8BITMIME", "DSN", "CHUNKING", "SMTPUTF8", "STARTTLS");
  }

  @Override
  void assertUnknownUserRefusal(RejectedRecipient refusal) {
    assertThat(refusal.enhancedStatus()).isEmpty();
    assertThat(refusal.text()).isEqualTo("Unrouteable address");
  }

  @Override
  void assertRelayRefusal(RejectedRecipient refusal) {
    assertThat(refusal.replyCode()).isEqualTo(550);
    assertThat(refusal.enhancedStatus()).isEmpty();
    assertThat(refusal.text()).contains("Relay not permitted");
  }

  @Override
  void assertStartTlsRefusal(MailException refusal) {
    assertThat(refusal).hasMessageContaining("Must issue a STARTTLS command first");
  }

  @Override
  void assertSuccessReport(String report) {
    // Exim reports "delivered", and says in the text that the next hop (Dovecot's LMTP) knows no DSN.
    assertThat(report).contains("Subject: Delivery Status Notification").contains("Action: delivered")
        .contains("(relayed to non-DSN-aware mailer)");
  }

  @Test
  void utf8LocalPartsGoThroughWithSmtpUtf8() {
    // dävé@example.test is an alias of dave in the harness's Exim. Dovecot's LMTP offers no SMTPUTF8, so
    // Exim downgrades the envelope on that hop: the alias is already resolved to dave, and the sender's
    // UTF-8 local part reaches Dovecot in punycode (Return-Path); the headers stay UTF-8 (RFC 6532).
    String subject = Mail.uniqueSubject("Grüße an Dävé ✓");
    SendResult result;
    try (Transport smtp = Transport.connect(submission("carol"))) {
      result = smtp.send(OutgoingMessage.builder().from("Zoë <zoë@example.test>").to("dävé@example.test")
          .subject(subject).text("Hallo Dävé.\n").build());
    }
    assertThat(result.accepted()).extracting(EmailAddress::address).containsExactly("dävé@example.test");
    try (Mailbox mailbox = imap("dave").get()) {
      MessageSummary summary = Mail.awaitSubject(mailbox, subject)
          .orElseThrow(() -> new AssertionError("\"" + subject + "\" did not arrive within " + Mail.DELIVERY));
      assertThat(summary.envelope().from()).extracting(EmailAddress::address).containsExactly("zoë@example.test");
      assertThat(summary.envelope().to()).extracting(EmailAddress::address).containsExactly("dävé@example.test");
      Message message = mailbox.fetch(mailbox.inbox(), summary.uid());
      assertThat(message.text()).hasValue("Hallo Dävé.\n");
      assertThat(message.header("Return-Path")).hasValue("<xn--zo-ija@example.test>");
      assertThat(message.header("Delivered-To")).hasValue("dave@example.test");
    }
  }
}
