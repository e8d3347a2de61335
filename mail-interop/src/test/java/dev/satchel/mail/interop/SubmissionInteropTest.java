package dev.satchel.mail.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.RejectedRecipient;
import dev.satchel.mail.Security;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.Transport;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sending through Postfix's submission port (STARTTLS and AUTH required) and reading the result from Dovecot. */
@Interop
class SubmissionInteropTest {
  private final Harness harness = Harness.get();

  @BeforeEach
  void emptyMailboxes() {
    harness.reset("alice", "bob");
  }

  @Test
  void sentMessageArrivesAndIsReadOverPop3WithImplicitTls() {
    String subject = Mail.uniqueSubject("Submitted");
    try (Transport smtp = Transport.connect(harness.submission("alice"))) {
      SendResult result = smtp.send(Mail.message("alice", "bob", subject));
      assertThat(result.isComplete()).isTrue();
      assertThat(result.accepted()).extracting(a -> a.address()).containsExactly("bob@example.test");
    }
    assertReadable(() -> Mailbox.connect(harness.settings("bob", Protocol.POP3, Security.TLS)), subject);
  }

  @Test
  void sentMessageIsReadOverPop3WithStls() {
    String subject = Mail.uniqueSubject("Over STLS");
    try (Transport smtp = Transport.connect(harness.submission("alice"))) {
      smtp.send(Mail.message("alice", "bob", subject));
    }
    assertReadable(() -> Mailbox.connect(harness.settings("bob", Protocol.POP3, Security.STARTTLS)), subject);
  }

  @Test
  void unknownLocalUserIsRejectedPerRecipientAndTheOthersGetTheMessage() {
    String subject = Mail.uniqueSubject("Partly");
    SendResult result;
    try (Transport smtp = Transport.connect(harness.submission("alice"))) {
      result = smtp.send(Mail.message("alice", "bob", subject).toBuilder()
          .to("bob@example.test", "nobody@example.test").build());
    }
    assertThat(result.isComplete()).isFalse();
    assertThat(result.accepted()).extracting(a -> a.address()).containsExactly("bob@example.test");
    assertThat(result.rejected()).singleElement().satisfies(r -> {
      assertThat(r.address().address()).isEqualTo("nobody@example.test");
      assertThat(r.replyCode()).isEqualTo(550);
      assertThat(r.enhancedStatus()).hasValue("5.1.1");
      assertThat(r.text()).contains("User unknown in virtual mailbox table");
      assertThat(r.isPermanent()).isTrue();
    });
    assertReadable(() -> Mailbox.connect(harness.settings("bob", Protocol.POP3, Security.TLS)), subject);
  }

  @Test
  void relayToAnotherDomainIsRejectedEvenWhenAuthenticated() {
    SendResult result;
    try (Transport smtp = Transport.connect(harness.submission("alice"))) {
      result = smtp.send(Mail.message("alice", "bob", Mail.uniqueSubject("Relay")).toBuilder()
          .to("bob@example.test", "someone@example.com").build());
    }
    assertThat(result.rejected()).extracting(RejectedRecipient::replyCode).containsExactly(554);
    assertThat(result.rejected().get(0).enhancedStatus()).hasValue("5.7.1");
    assertThat(result.rejected().get(0).text()).contains("Relay access denied");
  }

  @Test
  void wrongPasswordOnSubmissionIsAnAuthenticationFailure() {
    MailSettings wrong = harness.submission("alice").toBuilder().password("alice@example.test", "not-the-password").build();
    assertThatThrownBy(() -> Transport.connect(wrong).close())
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageNotContaining("not-the-password");
  }

  @Test
  void plaintextSubmissionIsRefusedAsPostfixSays() {
    // 11587 offers AUTH only after STARTTLS and refuses MAIL before it: Security.NONE must not send
    // anything, and must say why.
    MailSettings plain = harness.settings("alice", Protocol.SMTP, Security.NONE);
    assertThatThrownBy(() -> {
      try (Transport smtp = Transport.connect(plain)) {
        smtp.send(Mail.message("alice", "bob", Mail.uniqueSubject("Plain")));
      }
    }).isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("does not offer SMTP AUTH on a plaintext connection")
        .hasMessageContaining("STARTTLS");
  }

  @Test
  void mailBeforeStartTlsOnSubmissionGetsPostfixsRefusal() {
    // Without credentials Satchel sends MAIL in plaintext; Postfix's own reply must reach the caller.
    MailSettings anonymous = MailSettings.builder().server(Protocol.SMTP, Harness.HOST,
        harness.port(Protocol.SMTP, Security.NONE), Security.NONE).build();
    assertThatThrownBy(() -> {
      try (Transport smtp = Transport.connect(anonymous)) {
        smtp.send(Mail.message("alice", "bob", Mail.uniqueSubject("Anonymous")));
      }
    }).isInstanceOf(MailException.class).hasMessageContaining("530").hasMessageContaining("Must issue a STARTTLS command first");
  }

  @Test
  void unicodeHeadersAndABinaryAttachmentSurviveTheRoundTrip() {
    String subject = Mail.uniqueSubject("Grüße aus Zürich ✓ 你好");
    byte[] attachment = new byte[1 << 20];
    new java.util.Random(42).nextBytes(attachment);
    try (Transport smtp = Transport.connect(harness.submission("alice"))) {
      smtp.send(dev.satchel.mail.OutgoingMessage.builder().from("Zoë Müller <alice@example.test>").to("bob@example.test")
          .subject(subject).text("Größe: 1 MiB, naïve café.\n").html("<p>Größe ✓</p>")
          .attach(dev.satchel.mail.Attachment.of("données.bin", "application/octet-stream", attachment)).build());
    }
    java.util.function.Supplier<Mailbox> imap = () -> Mailbox.connect(harness.settings("bob", Protocol.IMAP, Security.TLS));
    assertThat(Mail.awaitSubject(imap, subject)).as("\"%s\" arrived", subject).isTrue();
    try (Mailbox mailbox = imap.get()) {
      MessageSummary summary = mailbox.list(mailbox.inbox()).get(0);
      assertThat(summary.envelope().from()).singleElement().satisfies(a -> assertThat(a.toString()).contains("Zoë Müller"));
      Message message = mailbox.fetch(mailbox.inbox(), summary.uid());
      assertThat(message.subject()).isEqualTo(subject);
      assertThat(message.text()).hasValue("Größe: 1 MiB, naïve café.\n");
      assertThat(message.html()).hasValueSatisfying(h -> assertThat(h).contains("Größe ✓"));
      assertThat(message.attachments()).singleElement().satisfies(part -> {
        assertThat(part.filename()).hasValue("données.bin");
        assertThat(part.bytes()).isEqualTo(attachment);
      });
    }
  }

  @Test
  void theMxPortTakesLocalMailWithoutAuthentication() {
    String subject = Mail.uniqueSubject("Via MX");
    MailSettings mx = MailSettings.builder().server(Protocol.SMTP, Harness.HOST, harness.smtpPort(), Security.STARTTLS)
        .tls(harness.tls()).build();
    try (Transport smtp = Transport.connect(mx)) {
      assertThat(smtp.send(Mail.message("carol", "bob", subject)).isComplete()).isTrue();
    }
    assertThat(Mail.awaitSubject(() -> Mailbox.connect(harness.settings("bob", Protocol.IMAP, Security.TLS)), subject)).isTrue();
  }

  /** Waits for the message over the given connection and checks what was delivered. */
  static void assertReadable(Supplier<Mailbox> connect, String subject) {
    assertThat(Mail.awaitSubject(connect, subject)).as("\"%s\" arrived within %s", subject, Mail.DELIVERY).isTrue();
    try (Mailbox mailbox = connect.get()) {
      MessageSummary summary = Mail.awaitSubject(mailbox, subject)
          .orElseThrow(() -> new AssertionError("\"" + subject + "\" did not arrive within " + Mail.DELIVERY));
      assertThat(summary.envelope().from()).extracting(a -> a.address()).containsExactly("alice@example.test");
      Message message = mailbox.fetch(mailbox.inbox(), summary.uid());
      assertThat(message.text()).hasValueSatisfying(t -> assertThat(t).contains("Hello from the Satchel interop suite."));
      assertThat(message.headers("Received")).as("Postfix and Dovecot added trace headers").isNotEmpty();
    }
  }
}
