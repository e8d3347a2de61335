package dev.satchel.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Message;
import dev.satchel.mail.Uid;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MimeReaderTest {
  private static Message read(String rfc822) {
    return read(rfc822.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
  }

  private static Message read(byte[] bytes) {
    return MimeReader.read(new ByteArrayInputStream(bytes), new Uid.Pop3("t"));
  }

  @Test
  void bodiesAreDecodedFromTheirCharset() {
    Message m = read("Subject: x\nContent-Type: text/plain; charset=iso-8859-15\nContent-Transfer-Encoding: quoted-printable\n\n"
        + "Preis: 5 =A4, Gr=FC=DFe\n");
    assertThat(m.text()).contains("Preis: 5 €, Grüße\n");
    assertThat(m.problems()).isEmpty();
  }

  @Test
  void unknownCharsetFallsBackAndIsReported() {
    byte[] bytes = ("Content-Type: text/plain; charset=x-bogus-42\r\n\r\nGr\u00FC\u00DFe").getBytes(StandardCharsets.ISO_8859_1);
    Message m = read(bytes);
    assertThat(m.text()).contains("Grüße");
    assertThat(m.problems()).anySatisfy(p -> assertThat(p).contains("unknown charset \"x-bogus-42\""));
  }

  @Test
  void wrongUtf8DeclarationIsReportedNotThrown() {
    byte[] bytes = ("Content-Type: text/plain; charset=utf-8\r\n\r\nbad \u00FF byte").getBytes(StandardCharsets.ISO_8859_1);
    Message m = read(bytes);
    assertThat(m.text()).hasValueSatisfying(t -> assertThat(t).startsWith("bad ").endsWith(" byte"));
    assertThat(m.problems()).anySatisfy(p -> assertThat(p).contains("invalid UTF-8"));
  }

  @Test
  void unknownTransferEncodingKeepsRawBytesAndIsReported() {
    Message m = read("Content-Type: text/plain\nContent-Transfer-Encoding: x-martian\n\nhello\n");
    assertThat(m.text()).contains("hello\n");
    assertThat(m.problems()).anySatisfy(p -> assertThat(p).contains("cannot decode content"));
  }

  @Test
  void brokenBase64AttachmentIsRecoveredAndReported() {
    Message m = read("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n--b\n"
        + "Content-Type: application/octet-stream; name=a.bin\nContent-Transfer-Encoding: base64\n\nAQID!!!B===A\n--b--\n");
    assertThat(m.attachments()).singleElement().satisfies(p -> assertThat(p.bytes()).startsWith(1, 2, 3));
  }

  @Test
  void encodedWordsSplitInsideACharacterAreJoined() {
    // "€" (E2 82 AC) split over two encoded words, plus an RFC 2231 filename in continuations.
    Message m = read("Subject: =?UTF-8?Q?price_=E2=82?= =?UTF-8?Q?=AC?=\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
        + "Content-Type: application/pdf\nContent-Disposition: attachment;\n filename*0*=UTF-8''%E2%82%AC%20;\n filename*1*=Rechnung.pdf\n\nx\n--b--\n");
    assertThat(m.subject()).isEqualTo("price €");
    assertThat(m.attachments()).singleElement().satisfies(p -> assertThat(p.filename()).contains("€ Rechnung.pdf"));
  }

  @Test
  void rfc2047FilenameInNameParameterIsDecoded() {
    Message m = read("Content-Type: multipart/mixed; boundary=b\n\n--b\n"
        + "Content-Type: image/png; name=\"=?ISO-8859-1?Q?B=FCcher.png?=\"\nContent-Disposition: attachment\n\nx\n--b--\n");
    assertThat(m.attachments()).singleElement().satisfies(p -> assertThat(p.filename()).contains("Bücher.png"));
  }

  @Test
  void rawUtf8HeadersAreRead() {
    Message m = read("Subject: Grüße\nFrom: Jürgen <j@example.com>\n\nx".replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    assertThat(m.subject()).isEqualTo("Grüße");
    assertThat(m.envelope().from()).singleElement().satisfies(a -> assertThat(a.displayName()).contains("Jürgen"));
  }

  @Test
  void malformedAddressesAreDroppedAndReported() {
    Message m = read("To: ok@example.com, not an address, \"Q\" <q@example.org>, Group: g1@example.net, ;\nDate: someday\n\nx");
    assertThat(m.envelope().to()).extracting(EmailAddress::address)
        .containsExactly("ok@example.com", "q@example.org", "g1@example.net");
    assertThat(m.problems()).anySatisfy(p -> assertThat(p).isEqualTo("To: unparseable address dropped: \"not an address\""));
    assertThat(m.problems()).anySatisfy(p -> assertThat(p).startsWith("Date: not a recognisable date"));
    assertThat(m.envelope().date()).isEmpty();
  }

  @Test
  void addressesHelperUnderstandsCommentsAndEncodedNames() {
    assertThat(MimeReader.addresses("=?UTF-8?B?w4lsaXNl?= <elise@example.com>, bob@example.org (Bob Builder)"))
        .containsExactly(EmailAddress.of("Élise", "elise@example.com"), EmailAddress.of("Bob Builder", "bob@example.org"));
    assertThat(MimeReader.addresses("undisclosed-recipients:;")).isEmpty();
  }

  @Test
  void deepNestingIsCutAndReported() {
    StringBuilder sb = new StringBuilder("Content-Type: multipart/mixed; boundary=b0\n\n");
    int depth = 80;
    for (int i = 0; i < depth; i++) {
      sb.append("--b").append(i).append("\nContent-Type: multipart/mixed; boundary=b").append(i + 1).append("\n\n");
    }
    sb.append("--b").append(depth).append("\nContent-Type: text/plain\n\ndeep\n");
    Message m = read(sb.toString());
    assertThat(m.problems()).anySatisfy(p -> assertThat(p).contains("nested deeper than"));
  }

  @Test
  void failingStreamIsATypedAccessFailure() {
    InputStream broken = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("connection reset");
      }
    };
    assertThatThrownBy(() -> MimeReader.read(broken, new Uid.Pop3("t")))
        .isInstanceOf(MimeAccessException.class).hasMessageContaining("connection reset")
        .satisfies(e -> assertThat(((MimeAccessException) e).failure()).isInstanceOf(IOException.class));
  }

  @Test
  void givenMimeMessageIsReadLazilyWithTheGivenSummary() throws Exception {
    dev.satchel.mail.OutgoingMessage out = dev.satchel.mail.OutgoingMessage.builder().from("a@example.com").to("b@example.com")
        .subject("lazy").text("body").attach(dev.satchel.mail.Attachment.of("x.bin", "application/octet-stream", new byte[] {7, 8}))
        .build();
    jakarta.mail.internet.MimeMessage mime = new jakarta.mail.internet.MimeMessage(
        jakarta.mail.Session.getInstance(new java.util.Properties()), new ByteArrayInputStream(MimeWriter.toBytes(out)));
    dev.satchel.mail.MessageSummary summary = new dev.satchel.mail.MessageSummary(new Uid.Imap(1, 2), java.util.Set.of(),
        java.util.Set.of(), 123, java.util.Optional.empty(), MimeReader.envelope(mime));
    Message m = MimeReader.read(mime, summary);
    assertThat(m.summary()).isSameAs(summary);
    assertThat(m.subject()).isEqualTo("lazy");
    assertThat(m.text()).contains("body");
    assertThat(m.attachments()).singleElement().satisfies(p -> {
      assertThat(p.size()).isEmpty();
      assertThat(p.bytes()).containsExactly(7, 8);
    });
  }

  @Test
  void envelopeFromInternetHeaders() throws Exception {
    jakarta.mail.internet.InternetHeaders headers = new jakarta.mail.internet.InternetHeaders(new ByteArrayInputStream(
        "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nFrom: A <a@example.com>\r\nDate: Tue, 4 Mar 2025 05:06:07 EST\r\nMessage-ID: <id@x>\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII)));
    dev.satchel.mail.Envelope e = MimeReader.envelope(headers);
    assertThat(e.subject()).isEqualTo("Grüße");
    assertThat(e.from()).containsExactly(EmailAddress.of("A", "a@example.com"));
    assertThat(e.date()).hasValueSatisfying(d -> assertThat(d.getOffset().getTotalSeconds()).isEqualTo(-5 * 3600));
    assertThat(e.messageId()).contains("<id@x>");
  }

  @Test
  void garbageNeverThrows() {
    String seedMessage = "From: a@b.example\r\nSubject: =?utf-8?B?w4l?=\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n"
        + "--x\r\nContent-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: base64\r\n\r\nPGI+aGk8L2I+\r\n"
        + "--x\r\nContent-Type: application/pdf; name*=utf-8''%E2%82\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=\r\nb=ZZ\r\n--x--\r\n";
    byte[] base = seedMessage.getBytes(StandardCharsets.ISO_8859_1);
    qt().withExamples(300).forAll(longs().all(), integers().between(1, 40)).checkAssert((seed, mutations) -> {
      Random random = new Random(seed);
      byte[] bytes = base.clone();
      for (int i = 0; i < mutations; i++) {
        int at = random.nextInt(bytes.length);
        String alphabet = "\r\n:;=?\"<>-x\0\u00ff";
        bytes[at] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
      }
      Message m = read(bytes);
      assertThat(m.problems()).doesNotContainNull();
      m.parts().forEach(p -> assertThat(p.bytes()).isNotNull());
    });
  }
}
