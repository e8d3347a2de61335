package dev.satchel.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessagePart;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Uid;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MimeWriterTest {
  private static final Uid UID = new Uid.Pop3("test");

  private static OutgoingMessage.Builder base() {
    return OutgoingMessage.builder().from("Alice <alice@example.com>").to("bob@example.org");
  }

  private static String headersOf(byte[] mime) {
    String s = new String(mime, StandardCharsets.UTF_8);
    return s.substring(0, s.indexOf("\r\n\r\n") + 2);
  }

  private static Message roundTrip(OutgoingMessage m) {
    return MimeReader.read(new ByteArrayInputStream(MimeWriter.toBytes(m)), UID);
  }

  @Test
  void textAndHtmlBecomeMultipartAlternative() {
    byte[] bytes = MimeWriter.toBytes(base().subject("Hi").text("plain").html("<p>html</p>").build());
    assertThat(headersOf(bytes)).contains("Content-Type: multipart/alternative");
    Message read = MimeReader.read(new ByteArrayInputStream(bytes), UID);
    assertThat(read.text()).contains("plain");
    assertThat(read.html()).contains("<p>html</p>");
    assertThat(read.parts()).isEmpty();
    assertThat(read.problems()).isEmpty();
  }

  @Test
  void attachmentsWrapTheBodyInMultipartMixed() {
    OutgoingMessage m = base().text("see attached").attach(Attachment.of("report.pdf", "application/pdf", new byte[] {1, 2, 3})).build();
    byte[] bytes = MimeWriter.toBytes(m);
    assertThat(headersOf(bytes)).contains("Content-Type: multipart/mixed");
    Message read = MimeReader.read(new ByteArrayInputStream(bytes), UID);
    assertThat(read.text()).contains("see attached");
    assertThat(read.attachments()).singleElement().satisfies(p -> {
      assertThat(p.filename()).contains("report.pdf");
      assertThat(p.mediaType()).isEqualTo("application/pdf");
      assertThat(p.bytes()).containsExactly(1, 2, 3);
      assertThat(p.size()).hasValue(3);
      assertThat(p.isInline()).isFalse();
    });
  }

  @Test
  void inlinePartsAreRelatedToTheHtml() {
    OutgoingMessage m = base().text("t").html("<img src=\"cid:logo\">")
        .attach(Attachment.inline("logo", "logo.png", "image/png", new byte[] {9}))
        .attach(Attachment.of("a.txt", "text/plain", "x".getBytes(StandardCharsets.UTF_8)))
        .build();
    String all = new String(MimeWriter.toBytes(m), StandardCharsets.UTF_8);
    assertThat(all).contains("multipart/mixed").contains("multipart/alternative").contains("multipart/related")
        .contains("type=\"text/html\"").contains("Content-ID: <logo>").contains("Content-Disposition: inline");
    assertThat(all.indexOf("multipart/related")).isGreaterThan(all.indexOf("multipart/alternative"));
    Message read = roundTrip(m);
    assertThat(read.html()).contains("<img src=\"cid:logo\">");
    assertThat(read.parts()).hasSize(2);
    MessagePart logo = read.parts().get(0);
    assertThat(logo.contentId()).contains("logo");
    assertThat(logo.isInline()).isTrue();
    assertThat(read.attachments()).singleElement().satisfies(p -> assertThat(p.filename()).contains("a.txt"));
  }

  @Test
  void unicodeHeadersAreEncodedWords() {
    OutgoingMessage m = OutgoingMessage.builder().from(EmailAddress.of("Jürgen Größe", "j@example.com"))
        .to(EmailAddress.of("山田 太郎", "taro@example.jp")).subject("Grüße 👋 from 東京").text("x").build();
    byte[] bytes = MimeWriter.toBytes(m);
    String headers = headersOf(bytes);
    assertThat(headers).contains("=?UTF-8?").doesNotContain("Grüße");
    for (byte b : headers.getBytes(StandardCharsets.ISO_8859_1)) {
      assertThat(b & 0xFF).isLessThan(0x80);
    }
    Message read = MimeReader.read(new ByteArrayInputStream(bytes), UID);
    assertThat(read.subject()).isEqualTo("Grüße 👋 from 東京");
    assertThat(read.envelope().from().get(0).displayName()).contains("Jürgen Größe");
    assertThat(read.envelope().to().get(0).displayName()).contains("山田 太郎");
  }

  @Test
  void unicodeFilenameUsesRfc2231AndAnEncodedNameFallback() {
    String name = "Rechnung März – 請求書 " + "x".repeat(80) + ".pdf";
    OutgoingMessage m = base().attach(Attachment.of(name, "application/pdf", new byte[] {1})).build();
    String all = new String(MimeWriter.toBytes(m), StandardCharsets.US_ASCII);
    assertThat(all).contains("filename*0*=UTF-8''").contains("name=\"=?UTF-8?");
    assertThat(roundTrip(m).attachments().get(0).filename()).contains(name);
  }

  @Test
  void idnDomainsAreWrittenAsPunycodeUnlessTheLocalPartNeedsUtf8() {
    OutgoingMessage m = OutgoingMessage.builder().from("info@bücher.example").to("josé@bücher.example", "plain@münchen.example").build();
    byte[] bytes = MimeWriter.toBytes(m);
    String headers = new String(bytes, StandardCharsets.UTF_8);
    assertThat(headers).contains("From: info@xn--bcher-kva.example").contains("josé@bücher.example")
        .contains("plain@xn--mnchen-3ya.example");
    Message read = MimeReader.read(new ByteArrayInputStream(bytes), UID);
    assertThat(read.envelope().to()).extracting(EmailAddress::asciiAddress)
        .containsExactly("josé@xn--bcher-kva.example", "plain@xn--mnchen-3ya.example");
  }

  @Test
  void bccIsNeverWritten() {
    OutgoingMessage m = base().cc("carol@example.org").bcc("secret@example.net").subject("s").text("t").build();
    String all = new String(MimeWriter.toBytes(m), StandardCharsets.UTF_8);
    // no Bcc header (a random Message-ID may contain the letters "bcc", so match the header name)
    assertThat(all).doesNotContainPattern("(?im)^bcc\\s*:").doesNotContain("secret@example.net")
        .contains("Cc: carol@example.org");
  }

  private static String messageIdOf(byte[] mime) {
    java.util.regex.Matcher id = java.util.regex.Pattern.compile("(?m)^Message-ID: ([^\r\n]*)").matcher(headersOf(mime));
    assertThat(id.find()).as("a Message-ID header").isTrue();
    return id.group(1);
  }

  @Test
  void dateAndMessageIdAreGeneratedOrKept() {
    OutgoingMessage generated = base().text("t").build();
    String id = messageIdOf(MimeWriter.toBytes(generated));
    assertThat(id).matches("<[0-9a-f]{32}@example\\.com>");
    assertThat(messageIdOf(MimeWriter.toBytes(generated))).isNotEqualTo(id);

    OffsetDateTime date = OffsetDateTime.of(2025, 3, 4, 5, 6, 7, 0, ZoneOffset.ofHours(2));
    OutgoingMessage given = base().text("t").date(date).messageId("abc@host.example").build();
    String headers = headersOf(MimeWriter.toBytes(given));
    assertThat(headers).contains("Date: Tue, 4 Mar 2025 05:06:07 +0200").contains("Message-ID: <abc@host.example>");
    Message read = roundTrip(given);
    assertThat(read.envelope().date()).contains(date);
    assertThat(read.envelope().messageId()).contains("<abc@host.example>");
  }

  @Test
  void jakartaMailParsesWhatIsWritten() throws Exception {
    byte[] pdf = new byte[3000];
    new java.util.Random(7).nextBytes(pdf);
    OutgoingMessage m = base().subject("Grüße").text("Grüße aus München\nzweite Zeile").html("<p>東京 <img src=\"cid:logo\"></p>")
        .attach(Attachment.inline("logo", "logo.png", "image/png", new byte[] {9, 8, 7}))
        .attach(Attachment.of("report.pdf", "application/pdf", pdf)).build();
    MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(MimeWriter.toBytes(m)));

    assertThat(mime.getSubject()).isEqualTo("Grüße");
    assertThat(mime.getHeader("MIME-Version", null)).isEqualTo("1.0");
    jakarta.mail.internet.MimeMultipart mixed = (jakarta.mail.internet.MimeMultipart) mime.getContent();
    assertThat(mime.getContentType()).startsWith("multipart/mixed");
    assertThat(mixed.getCount()).isEqualTo(2);
    jakarta.mail.internet.MimeMultipart alternative = (jakarta.mail.internet.MimeMultipart) mixed.getBodyPart(0).getContent();
    assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("Grüße aus München\r\nzweite Zeile");
    assertThat(alternative.getBodyPart(0).getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
    jakarta.mail.internet.MimeMultipart related = (jakarta.mail.internet.MimeMultipart) alternative.getBodyPart(1).getContent();
    assertThat(related.getContentType()).contains("type=\"text/html\"");
    assertThat(related.getBodyPart(0).getContent()).isEqualTo("<p>東京 <img src=\"cid:logo\"></p>");
    assertThat(related.getBodyPart(1).getInputStream().readAllBytes()).containsExactly(9, 8, 7);
    assertThat(((jakarta.mail.internet.MimeBodyPart) related.getBodyPart(1)).getContentID()).isEqualTo("<logo>");
    assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo("report.pdf");
    assertThat(mixed.getBodyPart(1).getInputStream().readAllBytes()).isEqualTo(pdf);
  }

  @Test
  void boundariesDifferPerMessageAndEveryLineStaysShort() {
    OutgoingMessage m = base().text("t").html("<p>h</p>").attach(Attachment.of("a.bin", "application/octet-stream", new byte[200]))
        .build();
    String first = new String(MimeWriter.toBytes(m), StandardCharsets.US_ASCII);
    String second = new String(MimeWriter.toBytes(m), StandardCharsets.US_ASCII);
    java.util.regex.Matcher b = java.util.regex.Pattern.compile("boundary=\"(----=_Satchel_[0-9a-f]{32}_[0-9]+)\"").matcher(first);
    assertThat(b.find()).isTrue();
    String outer = b.group(1);
    assertThat(b.find()).isTrue();
    assertThat(b.group(1)).isNotEqualTo(outer);
    assertThat(second).doesNotContain(outer);
    assertThat(first).contains("\r\n--" + outer + "\r\n").endsWith("\r\n--" + outer + "--\r\n");
    for (String line : first.split("\r\n")) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
    }
  }

  @Test
  void customHeadersAreWrittenAndReadBack() {
    OutgoingMessage m = base().header("X-Ticket", "4711").header("X-Note", "Grüße").header("List-Unsubscribe", "<mailto:u@example.com>").build();
    Message read = roundTrip(m);
    assertThat(read.header("X-Ticket")).contains("4711");
    assertThat(read.header("x-note")).contains("Grüße");
    assertThat(read.header("List-Unsubscribe")).contains("<mailto:u@example.com>");
  }

  @Test
  void bodyEncodingIsChosenByContent() {
    assertThat(encodingOf("hello\nworld")).isEqualTo("7bit");
    assertThat(encodingOf("Grüße aus München, wie geht es dir?")).isEqualTo("quoted-printable");
    assertThat(encodingOf("trailing space \nnext")).isEqualTo("quoted-printable");
    assertThat(encodingOf("x".repeat(1000))).isEqualTo("quoted-printable");
    assertThat(encodingOf("東京都渋谷区の天気は晴れです")).isEqualTo("base64");
  }

  private static String encodingOf(String text) {
    String all = new String(MimeWriter.toBytes(base().text(text).build()), StandardCharsets.US_ASCII);
    int i = all.indexOf("Content-Transfer-Encoding: ") + "Content-Transfer-Encoding: ".length();
    return all.substring(i, all.indexOf("\r\n", i));
  }

  @Test
  void lineBreaksAreCrlfOnTheWireAndNewlinesWhenRead() {
    OutgoingMessage m = base().text("a\nb\r\nc\rd").build();
    String all = new String(MimeWriter.toBytes(m), StandardCharsets.US_ASCII);
    assertThat(all).contains("a\r\nb\r\nc\r\nd");
    assertThat(roundTrip(m).text()).contains("a\nb\nc\nd");
  }

  @Test
  void twentyMebibyteAttachmentIsStreamedFromItsSource() throws IOException {
    long size = 20L * 1024 * 1024;
    AtomicInteger opened = new AtomicInteger();
    Attachment big = Attachment.of("big.bin", "application/octet-stream", () -> {
      opened.incrementAndGet();
      return new PatternStream(size);
    });
    CountingStream out = new CountingStream();
    MimeWriter.write(base().text("big").attach(big).build(), out);
    assertThat(opened).hasValue(1);
    assertThat(out.count).isGreaterThan(size * 4 / 3);
  }

  @Test
  void failingContentSourceSurfacesAsIoException() {
    Attachment broken = Attachment.of("x.bin", "application/octet-stream", () -> {
      throw new IOException("disk gone");
    });
    assertThatThrownBy(() -> MimeWriter.write(base().attach(broken).build(), OutputStream.nullOutputStream()))
        .isInstanceOf(IOException.class).hasMessageContaining("disk gone");
  }

  /** A stream of {@code size} pseudo-random bytes that never exist in memory together. */
  static final class PatternStream extends InputStream {
    private long remaining;
    private int state = 12345;

    PatternStream(long size) {
      this.remaining = size;
    }

    @Override
    public int read() {
      if (remaining <= 0) {
        return -1;
      }
      remaining--;
      state = state * 1103515245 + 12345;
      return (state >>> 16) & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, remaining);
      for (int i = 0; i < n; i++) {
        state = state * 1103515245 + 12345;
        b[off + i] = (byte) (state >>> 16);
      }
      remaining -= n;
      return n;
    }
  }

  /** Counts bytes and drops them. */
  static final class CountingStream extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  @Test
  void boundariesRepeatForOneMessageButCannotBePredictedFromItsMessageId() throws Exception {
    OutgoingMessage m = base().messageId("<order-4711@example.com>").text("plain").html("<p>html</p>").build();
    String first = new String(MimeWriter.toBytes(m), StandardCharsets.UTF_8);
    assertThat(MimeWriter.toBytes(m)).as("two compositions, same bytes (DKIM, SIZE)")
        .isEqualTo(first.getBytes(StandardCharsets.UTF_8));
    byte[] plainHash = java.security.MessageDigest.getInstance("SHA-256")
        .digest("<order-4711@example.com>".getBytes(StandardCharsets.UTF_8));
    String guessable = java.util.HexFormat.of().formatHex(plainHash, 0, 12);
    assertThat(first).contains("boundary=").doesNotContain(guessable);
  }
}
