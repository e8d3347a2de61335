package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.Transport;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestMailServerExtension;
import dev.satchel.mail.testkit.TestUser;
import jakarta.mail.BodyPart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Sending real messages to the testkit's server, plain and over TLS, and checking by parsing what arrived. */
@ExtendWith(TestMailServerExtension.class)
class SmtpTransportTest {
  private TestMailServer server;
  private TestUser alice;

  @BeforeEach
  void start(TestMailServer server) {
    this.server = server;
    this.alice = TestServers.alice(server);
  }

  private static OutgoingMessage.Builder message() {
    return OutgoingMessage.builder().from("Sender <sender@example.test>").to("bob@example.test").subject("Grüße ✓");
  }

  private MimeMessage sendOne(Security security, OutgoingMessage m) throws Exception {
    SendResult result;
    try (Transport smtp = Transport.connect(TestServers.settings(server, alice, security))) {
      result = smtp.send(m);
    }
    assertThat(result.isComplete()).isTrue();
    assertThat(server.awaitReceived(1, Duration.ofSeconds(10))).isTrue();
    List<MimeMessage> received = TestServers.received(server);
    assertThat(received).hasSize(1);
    MimeMessage mime = received.get(0);
    assertThat(mime.getMessageID()).isEqualTo(result.messageId());
    assertThat(mime.getSubject()).isEqualTo("Grüße ✓");
    return mime;
  }

  @ParameterizedTest
  @EnumSource(value = Security.class, names = {"NONE", "TLS"})
  void sendsPlainText(Security security) throws Exception {
    MimeMessage received = sendOne(security, message().text("Hallo Bob,\nzweite Zeile – mit Umlauten äöü.").build());
    assertThat(received.isMimeType("text/plain")).isTrue();
    assertThat(normalise((String) received.getContent())).isEqualTo("Hallo Bob,\nzweite Zeile – mit Umlauten äöü.");
  }

  @ParameterizedTest
  @EnumSource(value = Security.class, names = {"NONE", "TLS"})
  void sendsHtml(Security security) throws Exception {
    MimeMessage received = sendOne(security, message().html("<p>Hallo <b>Bob</b> – äöü</p>").build());
    assertThat(received.isMimeType("text/html")).isTrue();
    assertThat(normalise((String) received.getContent())).isEqualTo("<p>Hallo <b>Bob</b> – äöü</p>");
  }

  @ParameterizedTest
  @EnumSource(value = Security.class, names = {"NONE", "TLS"})
  void sendsTextAndHtmlAsAlternatives(Security security) throws Exception {
    MimeMessage received = sendOne(security, message().text("plain – text").html("<p>html – text</p>").build());
    assertThat(received.isMimeType("multipart/alternative")).isTrue();
    MimeMultipart alt = (MimeMultipart) received.getContent();
    assertThat(alt.getCount()).isEqualTo(2);
    assertThat(alt.getBodyPart(0).isMimeType("text/plain")).isTrue();
    assertThat(normalise((String) alt.getBodyPart(0).getContent())).isEqualTo("plain – text");
    assertThat(alt.getBodyPart(1).isMimeType("text/html")).isTrue();
    assertThat(normalise((String) alt.getBodyPart(1).getContent())).isEqualTo("<p>html – text</p>");
  }

  @ParameterizedTest
  @EnumSource(value = Security.class, names = {"NONE", "TLS"})
  void sendsAttachmentsWithUnicodeFilenames(Security security) throws Exception {
    byte[] pdf = new byte[70_000];
    for (int i = 0; i < pdf.length; i++) {
      pdf[i] = (byte) (i * 31);
    }
    byte[] csv = "a;b\nä;ö\n".getBytes(StandardCharsets.UTF_8);
    MimeMessage received = sendOne(security, message().text("see attached")
        .attach(Attachment.of("Rechnung März €.pdf", "application/pdf", pdf))
        .attach(Attachment.of("données_日本.csv", "text/csv", csv))
        .build());
    List<Part> attachments = attachments(received);
    assertThat(attachments).hasSize(2);
    assertThat(MimeUtility.decodeText(attachments.get(0).getFileName())).isEqualTo("Rechnung März €.pdf");
    assertThat(bytes(attachments.get(0))).isEqualTo(pdf);
    assertThat(MimeUtility.decodeText(attachments.get(1).getFileName())).isEqualTo("données_日本.csv");
    assertThat(bytes(attachments.get(1))).isEqualTo(csv);
  }

  @ParameterizedTest
  @EnumSource(value = Security.class, names = {"NONE", "TLS"})
  void sendsInlineImageReferencedFromHtml(Security security) throws Exception {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 1, 2, 3};
    MimeMessage received = sendOne(security, message()
        .html("<p><img src=\"cid:logo123\"></p>")
        .attach(Attachment.inline("logo123", "logo.png", "image/png", png))
        .build());
    assertThat(received.isMimeType("multipart/related")).isTrue();
    MimeMultipart related = (MimeMultipart) received.getContent();
    assertThat(normalise((String) related.getBodyPart(0).getContent())).isEqualTo("<p><img src=\"cid:logo123\"></p>");
    BodyPart image = related.getBodyPart(1);
    assertThat(image.isMimeType("image/png")).isTrue();
    assertThat(image.getHeader("Content-ID")).containsExactly("<logo123>");
    assertThat(bytes(image)).isEqualTo(png);
  }

  @Test
  void deliversToBccWithoutWritingItIntoTheHeaders() throws Exception {
    SendResult result;
    try (Transport smtp = Transport.connect(TestServers.settings(server, alice, Security.NONE))) {
      result = smtp.send(message().text("x").cc("carol@example.test").bcc("secret-bcc@example.test").build());
    }
    assertThat(result.accepted()).extracting(a -> a.address())
        .containsExactly("bob@example.test", "carol@example.test", "secret-bcc@example.test");
    assertThat(server.awaitReceived(3, Duration.ofSeconds(10))).isTrue();
    assertThat(server.receivedRaw()).hasSize(3);
    for (byte[] raw : server.receivedRaw()) {
      assertThat(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContainIgnoringCase("bcc:").doesNotContain("secret-bcc");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Security.class, names = {"NONE", "TLS"})
  void wrongPasswordIsAnAuthenticationFailureThatNamesTheServerButNotTheSecret(Security security) {
    MailSettings wrong = TestServers.settings(server, alice, security).toBuilder()
        .password(TestServers.ALICE, TestServers.WRONG_PASSWORD).build();
    int port = server.port(Protocol.SMTP, security);
    assertThatThrownBy(() -> Transport.connect(wrong))
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("smtp://127.0.0.1:" + port)
        .hasMessageContaining("Check the username and password")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TestServers.WRONG_PASSWORD));
  }

  @Test
  void sendsAThousandMessagesOverOneConnection() throws Exception {
    int n = 1000;
    Set<String> ids = new HashSet<>();
    try (Transport smtp = Transport.connect(TestServers.settings(server, alice, Security.NONE))) {
      for (int i = 0; i < n; i++) {
        ids.add(smtp.send(message().text("message " + i).build()).messageId());
      }
    }
    assertThat(ids).hasSize(n);
    assertThat(server.awaitReceived(n, Duration.ofSeconds(30))).isTrue();
    Set<String> received = new HashSet<>();
    List<MimeMessage> all = TestServers.received(server);
    for (MimeMessage m : all) {
      received.add(m.getMessageID());
    }
    assertThat(all).hasSize(n);
    assertThat(received).isEqualTo(ids);
  }

  static String normalise(String s) {
    return s.replace("\r\n", "\n");
  }

  static byte[] bytes(Part p) throws Exception {
    try (var in = p.getInputStream()) {
      return in.readAllBytes();
    }
  }

  static List<Part> attachments(Part p) throws Exception {
    List<Part> out = new ArrayList<>();
    if (p.isMimeType("multipart/*")) {
      MimeMultipart mp = (MimeMultipart) p.getContent();
      for (int i = 0; i < mp.getCount(); i++) {
        out.addAll(attachments(mp.getBodyPart(i)));
      }
    } else if (Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition())) {
      out.add(p);
    }
    return out;
  }
}
