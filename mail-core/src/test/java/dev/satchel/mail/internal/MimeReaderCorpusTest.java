package dev.satchel.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.satchel.mail.Message;
import dev.satchel.mail.MessagePart;
import dev.satchel.mail.Uid;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MimeReader over MimeKit's test corpus (MIT licence, src/test/resources/corpus/LICENSE): every
 * message parses, every part opens, and a few well-known messages read as their authors meant.
 */
class MimeReaderCorpusTest {
  private static final String DIR = "/corpus/";
  private static final List<String> FILES = List.of(
      "bounce.txt", "content-length.mbox.txt", "delivery-status-multiple-blank-lines.txt", "delivery-status-no-blank-line.txt",
      "delivery-status.anonymized.eml", "delivery-status.txt", "delivery-status2.txt", "disposition-notification.anonymized.eml",
      "disposition-notification.txt", "empty-multipart.txt", "epilogue.txt", "feedback-report.txt", "issue1130.txt",
      "issue1189.mbox.txt", "issue358.txt", "japanese.txt", "missing-subtype.txt", "multipart-digest.txt",
      "multipart-related-mhtml.txt", "rfc2060.txt", "simple-embedded-message.anonymized.eml", "simple-embedded-message.eml",
      "simple-multipart.anonymized.eml", "simple-multipart.eml", "simple.mbox.txt", "stack-overflow.txt", "unmunged.mbox.txt");

  static Stream<String> files() {
    return FILES.stream();
  }

  @ParameterizedTest
  @MethodSource("files")
  void everyMessageParsesAndEveryPartOpens(String file) {
    List<byte[]> messages = messages(file);
    assertThat(messages).isNotEmpty();
    for (byte[] raw : messages) {
      Message m = MimeReader.read(new ByteArrayInputStream(raw), new Uid.Pop3("corpus"));
      assertThat(m.summary().size()).isEqualTo(raw.length);
      assertThat(m.problems()).allSatisfy(p -> assertThat(p).isNotBlank());
      assertThat(m.text().isPresent() || m.html().isPresent() || !m.parts().isEmpty())
          .as("%s has a body or a part", file).isTrue();
      for (MessagePart part : m.parts()) {
        assertThatCode(part::bytes).doesNotThrowAnyException();
        assertThat(part.size()).hasValue(part.bytes().length);
        assertThat(part.mediaType()).contains("/");
      }
    }
  }

  @Test
  void everyCorpusFileIsCovered() throws Exception {
    java.nio.file.Path dir = java.nio.file.Path.of(MimeReaderCorpusTest.class.getResource("/corpus").toURI());
    try (Stream<java.nio.file.Path> listing = java.nio.file.Files.list(dir)) {
      assertThat(listing.map(f -> f.getFileName().toString()).filter(n -> !n.equals("LICENSE")))
          .containsExactlyInAnyOrderElementsOf(FILES);
    }
  }

  @Test
  void corpusLicenceTravelsWithTheFiles() {
    assertThat(new String(resource("LICENSE"), StandardCharsets.UTF_8)).contains("MIT License");
  }

  @Test
  void japaneseSubjectAndIso2022JpBodyAreDecoded() {
    Message m = single("japanese.txt");
    assertThat(m.subject()).isEqualTo("日本語メールテスト (testing Japanese emails)");
    assertThat(m.text()).hasValueSatisfying(t -> assertThat(t).contains("日本語が").contains("正常に"));
    assertThat(m.envelope().from()).singleElement().satisfies(a -> assertThat(a.displayName()).contains("Atsushi Eno"));
    assertThat(m.problems()).isEmpty();
  }

  @Test
  void emptyMultipartIsReportedAndItsSiblingStillRead() {
    Message m = single("empty-multipart.txt");
    assertThat(m.text()).hasValueSatisfying(t -> assertThat(t).startsWith("This part should be on the same level"));
    assertThat(m.problems()).anySatisfy(p -> assertThat(p).contains("multipart/alternative"));
  }

  @Test
  void missingSubtypeIsReportedAndReadAsOctetStream() {
    Message m = single("missing-subtype.txt");
    assertThat(m.attachments()).singleElement().satisfies(p -> {
      assertThat(p.filename()).contains("document.xml.gz");
      assertThat(p.mediaType()).isEqualTo("application/octet-stream");
      assertThat(new String(p.bytes(), StandardCharsets.US_ASCII)).contains("blah blah blah");
    });
    assertThat(m.problems()).anySatisfy(p -> assertThat(p).contains("malformed Content-Type"));
  }

  @Test
  void embeddedMessageIsAnAttachmentWithItsBytes() {
    Message m = single("simple-embedded-message.eml");
    assertThat(m.text()).contains("This is the message body.\n");
    assertThat(m.attachments()).singleElement().satisfies(p -> {
      assertThat(p.mediaType()).isEqualTo("message/rfc822");
      assertThat(new String(p.bytes(), StandardCharsets.US_ASCII)).contains("Subject: embedded message")
          .contains("This is the embedded message body.");
    });
    assertThat(m.problems()).isEmpty();
  }

  @Test
  void attachmentFromSimpleMultipart() {
    Message m = single("simple-multipart.eml");
    assertThat(m.subject()).isEqualTo("this is a simple multipart message");
    assertThat(m.attachments()).singleElement().satisfies(p -> assertThat(p.filename()).contains("attachment.txt"));
  }

  @Test
  void relatedPartsWithoutContentIdAreInline() {
    Message m = single("multipart-related-mhtml.txt");
    assertThat(m.html()).isPresent();
    assertThat(m.parts()).isNotEmpty().allSatisfy(p -> assertThat(p.isInline()).isTrue());
    assertThat(m.attachments()).isEmpty();
  }

  @Test
  void sloppyMultipartContentTypeStillYieldsItsParts() {
    Message first = MimeReader.read(new ByteArrayInputStream(messages("content-length.mbox.txt").get(0)), new Uid.Pop3("c"));
    assertThat(first.subject()).isEqualTo("Re: mailusr1@navstar1 3.0b6gold #1");
    assertThat(first.text()).hasValueSatisfying(t -> assertThat(t).contains("default echo 1"));
    assertThat(first.attachments()).singleElement().satisfies(p -> assertThat(p.mediaType()).isEqualTo("message/rfc822"));
  }

  @Test
  void bodyWithoutBlankLineAfterHeadersIsReportedAndRecovered() throws Exception {
    Message second = MimeReader.read(new ByteArrayInputStream(messages("issue1189.mbox.txt").get(1)), new Uid.Pop3("c"));
    assertThat(second.subject()).isEqualTo("Message 2");
    assertThat(second.problems()).anySatisfy(p -> assertThat(p).contains("header line without a colon"));
    // the attachment's base64 starts right after its last header line: it is still decoded
    assertThat(second.attachments()).singleElement().satisfies(a -> {
      assertThat(a.filename()).contains("Attachment.zip");
      byte[] bytes = a.bytes();
      assertThat(bytes).hasSizeGreaterThan(100);
      assertThat(java.util.Arrays.copyOf(bytes, 6)).as("7-Zip signature")
          .isEqualTo(new byte[] {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C});
    });
    assertThat(second.text()).hasValueSatisfying(t -> assertThat(t).contains("Body of message 2."));
  }

  @Test
  void theSameRecoveryWorksWhenReadingFromASharedSource() {
    byte[] raw = messages("issue1189.mbox.txt").get(1);
    Message shared = MimeReader.readShared(new jakarta.mail.util.SharedByteArrayInputStream(raw), new Uid.Pop3("s"), raw.length);
    assertThat(shared.attachments()).singleElement().satisfies(a -> assertThat(a.bytes()).hasSizeGreaterThan(100));
  }

  @Test
  void commentOnlyRecipientIsNoProblemButBadAddressesAre() {
    Message m = single("delivery-status.txt");
    assertThat(m.envelope().to()).isEmpty();
    assertThat(m.problems()).noneSatisfy(p -> assertThat(p).contains("no To-header"));
    Message bad = single("stack-overflow.txt");
    assertThat(bad.problems()).anySatisfy(p -> assertThat(p).startsWith("To: unparseable address dropped"));
  }

  @Test
  void mboxIsSplitIntoItsMessages() {
    assertThat(messages("issue1189.mbox.txt")).hasSize(4);
    assertThat(messages("simple.mbox.txt")).hasSize(3);
  }

  private static Message single(String file) {
    List<byte[]> messages = messages(file);
    assertThat(messages).hasSize(1);
    return MimeReader.read(new ByteArrayInputStream(messages.get(0)), new Uid.Pop3("corpus"));
  }

  /** The messages in a file; {@code *.mbox.txt} files are split on lines starting with "From ". */
  static List<byte[]> messages(String file) {
    byte[] all = resource(file);
    if (!file.endsWith(".mbox.txt")) {
      return List.of(all);
    }
    String text = new String(all, StandardCharsets.ISO_8859_1);
    if (text.startsWith("\u00EF\u00BB\u00BF")) {
      text = text.substring(3); // UTF-8 byte order mark
    }
    List<byte[]> out = new ArrayList<>();
    for (String chunk : text.split("(?m)^From .*\\r?\\n")) {
      if (!chunk.isBlank()) {
        out.add(chunk.getBytes(StandardCharsets.ISO_8859_1));
      }
    }
    return out;
  }

  private static byte[] resource(String name) {
    try (InputStream in = MimeReaderCorpusTest.class.getResourceAsStream(DIR + name)) {
      assertThat(in).as("resource %s", name).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
