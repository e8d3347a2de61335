package dev.satchel.mail.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.RejectedRecipient;
import dev.satchel.mail.Security;
import dev.satchel.mail.SendOptions;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.Transport;
import dev.satchel.mail.interop.Harness.SmtpServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SMTP interop checks every SMTP server of the harness passes, through Satchel's {@link Transport}:
 * mail sent on the submission port (STARTTLS and AUTH required) and on the MX-style port, read back
 * from Dovecot (each server delivers there over LMTP). A subclass names the server and checks its own
 * refusal texts.
 *
 * <p>Covers what the SMTP engine does with the server's extensions: PIPELINING (the envelope in one
 * flight, answered per recipient), CHUNKING (a small message as one {@code BDAT n LAST}, a large one
 * streamed in chunks), DSN parameters (and the report they bring back), and a hundred messages over
 * one connection.
 */
abstract class SubmissionInteropContract {
  final Harness harness = Harness.get();

  /** The SMTP server under test. */
  abstract SmtpServer server();

  /** The EHLO keywords the server offers on its MX port before STARTTLS, at least. */
  abstract Set<String> advertisedExtensions();

  /** Checks the server's own refusal of {@code nobody@example.test} (already checked: 550, permanent). */
  abstract void assertUnknownUserRefusal(RejectedRecipient refusal);

  /** Checks the server's own refusal of an address outside the local domains (already checked: permanent). */
  abstract void assertRelayRefusal(RejectedRecipient refusal);

  /** Checks the server's own refusal of MAIL before STARTTLS on its submission port (already checked: 530). */
  abstract void assertStartTlsRefusal(MailException refusal);

  /** Checks the server's own form of a success report (DSN) for dave (already checked: ENVID, ORCPT, RET=HDRS). */
  abstract void assertSuccessReport(String report);

  @BeforeEach
  void emptyMailboxes() {
    harness.reset("alice", "bob", "carol", "dave");
  }

  MailSettings submission(String user) {
    return harness.submission(server(), user);
  }

  Supplier<Mailbox> imap(String user) {
    return () -> Mailbox.connect(harness.settings(user, Protocol.IMAP, Security.TLS));
  }

  @Test
  void advertisesTheExtensionsTheEngineUses() {
    assertThat(RawSmtp.ehloKeywords(harness.smtpPort(server()))).containsAll(advertisedExtensions());
  }

  @Test
  void sentMessageArrivesAndIsReadOverPop3WithImplicitTls() {
    String subject = Mail.uniqueSubject("Submitted via " + server().displayName());
    try (Transport smtp = Transport.connect(submission("alice"))) {
      SendResult result = smtp.send(Mail.message("alice", "bob", subject));
      assertThat(result.isComplete()).isTrue();
      assertThat(result.accepted()).extracting(a -> a.address()).containsExactly("bob@example.test");
    }
    assertReadable(() -> Mailbox.connect(harness.settings("bob", Protocol.POP3, Security.TLS)), subject);
  }

  @Test
  void sentMessageIsReadOverPop3WithStls() {
    String subject = Mail.uniqueSubject("Over STLS via " + server().displayName());
    try (Transport smtp = Transport.connect(submission("alice"))) {
      smtp.send(Mail.message("alice", "bob", subject));
    }
    assertReadable(() -> Mailbox.connect(harness.settings("bob", Protocol.POP3, Security.STARTTLS)), subject);
  }

  @Test
  void unknownLocalUserIsRejectedPerRecipientAndTheOthersGetTheMessage() {
    String subject = Mail.uniqueSubject("Partly");
    SendResult result;
    try (Transport smtp = Transport.connect(submission("alice"))) {
      result = smtp.send(Mail.message("alice", "bob", subject).toBuilder()
          .to("bob@example.test", "nobody@example.test").build());
    }
    assertThat(result.isComplete()).isFalse();
    assertThat(result.accepted()).extracting(a -> a.address()).containsExactly("bob@example.test");
    assertThat(result.rejected()).singleElement().satisfies(r -> {
      assertThat(r.address().address()).isEqualTo("nobody@example.test");
      assertThat(r.replyCode()).isEqualTo(550);
      assertThat(r.isPermanent()).isTrue();
      assertUnknownUserRefusal(r);
    });
    assertReadable(() -> Mailbox.connect(harness.settings("bob", Protocol.POP3, Security.TLS)), subject);
  }

  @Test
  void relayToAnotherDomainIsRejectedEvenWhenAuthenticated() {
    SendResult result;
    try (Transport smtp = Transport.connect(submission("alice"))) {
      result = smtp.send(Mail.message("alice", "bob", Mail.uniqueSubject("Relay")).toBuilder()
          .to("bob@example.test", "someone@example.com").build());
    }
    assertThat(result.accepted()).extracting(a -> a.address()).containsExactly("bob@example.test");
    assertThat(result.rejected()).singleElement().satisfies(r -> {
      assertThat(r.address().address()).isEqualTo("someone@example.com");
      assertThat(r.isPermanent()).isTrue();
      assertRelayRefusal(r);
    });
  }

  @Test
  void wrongPasswordOnSubmissionIsAnAuthenticationFailure() {
    MailSettings wrong = submission("carol").toBuilder().password("carol@example.test", "not-the-password").build();
    assertThatThrownBy(() -> Transport.connect(wrong).close())
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageNotContaining("not-the-password");
  }

  @Test
  void plaintextSubmissionIsRefusedBeforeAnyCredentialIsSent() {
    // The submission port offers AUTH only after STARTTLS: Security.NONE must not send anything, and must say why.
    MailSettings plain = submission("carol").toBuilder()
        .server(Protocol.SMTP, Harness.HOST, harness.submissionPort(server()), Security.NONE).build();
    assertThatThrownBy(() -> {
      try (Transport smtp = Transport.connect(plain)) {
        smtp.send(Mail.message("carol", "dave", Mail.uniqueSubject("Plain")));
      }
    }).isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("does not offer SMTP AUTH on a plaintext connection")
        .hasMessageContaining("STARTTLS");
  }

  @Test
  void mailBeforeStartTlsOnSubmissionGetsTheServersRefusal() {
    // Without credentials Satchel sends MAIL in plaintext; the server's own reply must reach the caller.
    MailSettings anonymous = MailSettings.builder().server(Protocol.SMTP, Harness.HOST,
        harness.submissionPort(server()), Security.NONE).build();
    assertThatThrownBy(() -> {
      try (Transport smtp = Transport.connect(anonymous)) {
        smtp.send(Mail.message("carol", "dave", Mail.uniqueSubject("Anonymous")));
      }
    }).isInstanceOf(MailException.class).hasMessageContaining("530")
        .satisfies(e -> assertStartTlsRefusal((MailException) e));
  }

  @Test
  void unicodeHeadersAndABinaryAttachmentSurviveTheRoundTrip() {
    String subject = Mail.uniqueSubject("Grüße aus Zürich ✓ 你好");
    byte[] attachment = randomBytes(1 << 20, 42);
    try (Transport smtp = Transport.connect(submission("alice"))) {
      smtp.send(OutgoingMessage.builder().from("Zoë Müller <alice@example.test>").to("bob@example.test")
          .subject(subject).text("Größe: 1 MiB, naïve café.\n").html("<p>Größe ✓</p>")
          .attach(Attachment.of("données.bin", "application/octet-stream", attachment)).build());
    }
    assertThat(Mail.awaitSubject(imap("bob"), subject)).as("\"%s\" arrived", subject).isTrue();
    try (Mailbox mailbox = imap("bob").get()) {
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
    String subject = Mail.uniqueSubject("Via MX of " + server().displayName());
    MailSettings mx = MailSettings.builder().server(Protocol.SMTP, Harness.HOST, harness.smtpPort(server()), Security.STARTTLS)
        .tls(harness.tls()).build();
    try (Transport smtp = Transport.connect(mx)) {
      assertThat(smtp.send(Mail.message("carol", "dave", subject)).isComplete()).isTrue();
    }
    assertThat(Mail.awaitSubject(imap("dave"), subject)).isTrue();
  }

  @Test
  void aMessageLargerThan64KiBIsStreamedInChunksAndArrivesIntact() {
    // 3 MiB of attachment is about 4 MiB of base64: with CHUNKING sixteen 256 KiB BDAT chunks, more than
    // the eight the engine leaves unanswered before it reads their replies.
    assertArrivesIntact(randomBytes(3 << 20, 7), "Large");
  }

  @Test
  void aMessageSmallerThan64KiBGoesInOneFlightAndArrivesIntact() {
    assertArrivesIntact(randomBytes(20 << 10, 8), "Small");
  }

  private void assertArrivesIntact(byte[] attachment, String what) {
    String subject = Mail.uniqueSubject(what + " via " + server().displayName());
    String text = "First line.\n.A line that starts with a dot\n..and one with two\n.\nLast line.\n";
    SendResult result;
    try (Transport smtp = Transport.connect(submission("carol"))) {
      result = smtp.send(OutgoingMessage.builder().from("carol@example.test").to("dave@example.test").subject(subject)
          .text(text).attach(Attachment.of("payload.bin", "application/octet-stream", attachment)).build());
    }
    assertThat(result.isComplete()).isTrue();
    try (Mailbox mailbox = imap("dave").get()) {
      MessageSummary summary = Mail.awaitSubject(mailbox, subject)
          .orElseThrow(() -> new AssertionError("\"" + subject + "\" did not arrive within " + Mail.DELIVERY));
      Message message = mailbox.fetch(mailbox.inbox(), summary.uid());
      assertThat(message.header("Message-ID")).hasValue(result.messageId());
      assertThat(message.text()).hasValue(text);
      assertThat(message.attachments()).singleElement().satisfies(part -> {
        assertThat(part.filename()).hasValue("payload.bin");
        assertThat(part.bytes()).isEqualTo(attachment);
      });
    }
  }

  @Test
  void pipelinedRecipientsAreAnsweredOneByOne() {
    String subject = Mail.uniqueSubject("Pipelined");
    SendResult result;
    try (Transport smtp = Transport.connect(submission("carol"))) {
      result = smtp.send(Mail.message("carol", "dave", subject).toBuilder()
          .to("dave@example.test", "nobody@example.test").cc("carol@example.test").bcc("alice@example.test").build());
    }
    assertThat(result.accepted()).extracting(a -> a.address())
        .containsExactly("dave@example.test", "carol@example.test", "alice@example.test");
    assertThat(result.rejected()).singleElement().satisfies(r -> {
      assertThat(r.address().address()).isEqualTo("nobody@example.test");
      assertThat(r.replyCode()).isEqualTo(550);
      assertUnknownUserRefusal(r);
    });
    for (String user : List.of("dave", "carol", "alice")) {
      assertThat(Mail.awaitSubject(imap(user), subject)).as("%s got \"%s\"", user, subject).isTrue();
    }
  }

  @Test
  void everyRecipientRefusedFailsTheMessageAndTheConnectionStaysUsable() {
    String subject = Mail.uniqueSubject("After a refusal");
    try (Transport smtp = Transport.connect(submission("carol"))) {
      OutgoingMessage nobody = OutgoingMessage.builder().from("carol@example.test")
          .to("nobody@example.test", "noone@example.test").subject(Mail.uniqueSubject("Nobody")).text("For nobody.").build();
      assertThatThrownBy(() -> smtp.send(nobody)).isInstanceOfSatisfying(MailCommandException.class, e -> {
        assertThat(e.rejectedRecipients()).extracting(r -> r.address().address())
            .containsExactly("nobody@example.test", "noone@example.test");
        assertThat(e.getMessage()).contains("every recipient was refused");
      });
      // the refused transaction (its content may have followed in the same flight) left no trace behind
      assertThat(smtp.send(Mail.message("carol", "dave", subject)).isComplete()).isTrue();
    }
    assertThat(Mail.awaitSubject(imap("dave"), subject)).isTrue();
  }

  @Test
  void dsnParametersAreHonouredAndTheSuccessReportReachesTheSender() throws IOException {
    String subject = Mail.uniqueSubject("DSN");
    String envelopeId = "satchel-" + UUID.randomUUID();
    SendOptions dsn = SendOptions.builder().notify(EnumSet.of(SendOptions.Notify.SUCCESS, SendOptions.Notify.FAILURE))
        .notify("alice@example.test", EnumSet.noneOf(SendOptions.Notify.class))
        .originalRecipient("dave@example.test", "list@example.test")
        .returnContent(SendOptions.Return.HEADERS).envelopeId(envelopeId).build();
    SendResult result;
    try (Transport smtp = Transport.connect(submission("carol"))) {
      result = smtp.send(Mail.message("carol", "dave", subject).toBuilder().bcc("alice@example.test").build(), dsn);
    }
    assertThat(result.isComplete()).isTrue();
    assertThat(Mail.awaitSubject(imap("dave"), subject)).isTrue();
    assertThat(Mail.awaitSubject(imap("alice"), subject)).isTrue();
    // NOTIFY=SUCCESS for dave: the server reports the delivery to carol, quoting ENVID and ORCPT; RET=HDRS:
    // the report carries the headers only. NOTIFY=NEVER for alice: she is not in it.
    String report;
    try (Mailbox mailbox = imap("carol").get()) {
      List<MessageSummary> inbox = Await.until(Mail.DELIVERY, () -> mailbox.list(mailbox.inbox()), l -> !l.isEmpty());
      assertThat(inbox).as("a delivery report reached carol").hasSize(1);
      try (InputStream raw = mailbox.openRaw(mailbox.inbox(), inbox.get(0).uid())) {
        report = new String(raw.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    assertThat(report).containsIgnoringCase("report-type=delivery-status")
        .containsIgnoringCase("Original-Envelope-Id: " + envelopeId)
        .containsPattern("Final-Recipient: rfc822; ?dave@example.test")
        .containsPattern("Original-Recipient: rfc822; ?list@example.test")
        .containsIgnoringCase("Content-Type: text/rfc822-headers")
        .contains("Subject: " + subject)
        .doesNotContain("Hello from the Satchel interop suite.")
        .doesNotContainPattern("Final-Recipient: rfc822; ?alice@example.test");
    assertSuccessReport(report);
  }

  @Test
  void aHundredMessagesOverOneConnectionAllArrive() {
    String run = Mail.uniqueSubject("Batch");
    List<String> subjects = new ArrayList<>();
    try (Transport smtp = Transport.connect(submission("carol"))) {
      for (int i = 0; i < 100; i++) {
        String subject = run + " #" + i;
        subjects.add(subject);
        assertThat(smtp.send(Mail.message("carol", "dave", subject)).isComplete()).as(subject).isTrue();
      }
    }
    try (Mailbox mailbox = imap("dave").get()) {
      List<MessageSummary> inbox = Await.until(Mail.DELIVERY, () -> mailbox.list(mailbox.inbox()), l -> l.size() >= 100);
      assertThat(inbox.stream().map(s -> s.envelope().subject()).collect(Collectors.toList()))
          .containsExactlyInAnyOrderElementsOf(subjects);
    }
  }

  static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
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
      assertThat(message.headers("Received")).as("the SMTP server and Dovecot added trace headers").isNotEmpty();
    }
  }
}
