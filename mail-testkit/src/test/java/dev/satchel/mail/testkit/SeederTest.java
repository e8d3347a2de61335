package dev.satchel.mail.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.satchel.mail.Message;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Uid;
import dev.satchel.mail.internal.MimeReader;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

class SeederTest {
  private static final Session SESSION = Session.getInstance(new Properties());

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  private static boolean onlyCrlf(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n' && (i == 0 || b[i - 1] != '\r')) {
        return false;
      }
      if (b[i] == '\r' && (i + 1 >= b.length || b[i + 1] != '\n')) {
        return false;
      }
    }
    return true;
  }

  @Test
  void generatesReproducibleMessagesWithCrlfLineEndings() {
    Seeder.Batch batch = Seeder.messages(5).from("bob@example.com").to("alice@example.com").subjectPrefix("Hello").bodySize(1000);
    List<byte[]> first = batch.build();
    List<byte[]> again = batch.build();
    assertThat(first).hasSize(5);
    for (int i = 0; i < 5; i++) {
      assertThat(first.get(i)).isEqualTo(again.get(i));
      assertThat(onlyCrlf(first.get(i))).isTrue();
      assertThat(text(first.get(i))).contains("Subject: Hello " + i + "\r\n", "Message-ID: " + batch.messageId(i) + "\r\n",
          "From: bob@example.com\r\n", "To: alice@example.com\r\n");
      assertThat(first.get(i).length).isBetween(1000, 1600);
    }
  }

  @Test
  void generatedMessagesParseAsMimeWithTheirAttachmentAndHtml() throws Exception {
    Seeder.Batch batch = Seeder.messages(2).attachmentSize(10_000).html(true).seed(99);
    byte[] raw = batch.build().get(1);
    MimeMessage m = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
    assertThat(m.getSubject()).isEqualTo("Message 1");
    assertThat(m.getMessageID()).isEqualTo(batch.messageId(1));
    Multipart mixed = (Multipart) m.getContent();
    assertThat(mixed.getCount()).isEqualTo(2);
    Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
    assertThat(alternative.getBodyPart(0).getContent().toString()).isEqualTo(batch.text(1));
    assertThat(alternative.getBodyPart(1).isMimeType("text/html")).isTrue();
    Part attachment = mixed.getBodyPart(1);
    assertThat(attachment.getFileName()).isEqualTo("attachment-1.bin");
    assertThat(attachment.getInputStream().readAllBytes()).isEqualTo(batch.attachment(1)).hasSize(10_000);
  }

  @Test
  void outgoingMessagesCarryTheSameContent() {
    Seeder.Batch batch = Seeder.messages(3).attachmentSize(100);
    List<OutgoingMessage> out = batch.outgoing();
    assertThat(out).extracting(OutgoingMessage::subject).containsExactly("Message 0", "Message 1", "Message 2");
    assertThat(out.get(2).messageId()).hasValue(batch.messageId(2));
    assertThat(out.get(2).text()).hasValue(batch.text(2));
    assertThat(out.get(2).attachments()).singleElement().satisfies(a -> assertThat(a.filename()).isEqualTo("attachment-2.bin"));
  }

  @Test
  void nonAsciiSubjectsAndDisplayNamesAreWrittenAsEncodedWords() {
    Seeder.Batch batch = Seeder.messages(1).from("Jörg Müller", "joerg@example.com").to("Smith, John", "john@example.com")
        .subjectPrefix("Grüße aus Köln 📬");
    byte[] raw = batch.build().get(0);
    for (byte b : raw) {
      assertThat(b).as("every byte is 7-bit").isBetween((byte) 0, (byte) 127);
    }
    assertThat(text(raw)).contains("From: =?UTF-8?B?SsO2cmcgTcO8bGxlcg==?= <joerg@example.com>\r\n")
        .contains("To: \"Smith, John\" <john@example.com>\r\n")
        .contains("Subject: =?UTF-8?");
    assertThat(Seeder.messages(1).from("Jörg Müller", "joerg@example.com").to("Smith, John", "john@example.com")
        .subjectPrefix("Grüße aus Köln 📬").build().get(0))
        .as("reproducible").isEqualTo(raw);

    Message parsed = MimeReader.read(new ByteArrayInputStream(raw), new Uid.Imap(1, 1));
    assertThat(parsed.subject()).isEqualTo("Grüße aus Köln 📬 0");
    assertThat(parsed.envelope().from()).singleElement().satisfies(a -> {
      assertThat(a.address()).isEqualTo("joerg@example.com");
      assertThat(a.displayName()).hasValue("Jörg Müller");
    });
    assertThat(parsed.envelope().to()).singleElement().satisfies(a -> assertThat(a.displayName()).hasValue("Smith, John"));
    assertThat(batch.outgoing().get(0).subject()).isEqualTo("Grüße aus Köln 📬 0");
    byte[] lookalike = Seeder.messages(1).subjectPrefix("=?UTF-8?Q?abc?=").build().get(0); // ASCII, but not to be decoded
    assertThat(MimeReader.read(new ByteArrayInputStream(lookalike), new Uid.Imap(1, 1)).subject()).isEqualTo("=?UTF-8?Q?abc?= 0");
    assertThat(batch.outgoing().get(0).from().displayName()).hasValue("Jörg Müller");
  }

  /** Code points of several scripts (ASCII including {@code =} and {@code ?}, Latin-1, Cyrillic, CJK, emoji), no space. */
  private static final int[][] SCRIPTS = {{0x21, 0x7e}, {0xa1, 0xff}, {0x410, 0x44f}, {0x4e00, 0x4e80}, {0x1f600, 0x1f64f}};

  private static Gen<String> words() {
    Gen<Integer> codePoint = integers().between(0, SCRIPTS.length - 1).zip(integers().between(0, 1 << 16),
        (script, n) -> SCRIPTS[script][0] + n % (SCRIPTS[script][1] - SCRIPTS[script][0] + 1));
    Gen<String> word = lists().of(codePoint).ofSizeBetween(1, 12)
        .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));
    return lists().of(word).ofSizeBetween(0, 12).map(w -> String.join(" ", w));
  }

  @Test
  void anySubjectPrefixAndDisplayNameRoundTripThroughTheRawMessage() {
    qt().withExamples(300).forAll(words(), words()).checkAssert((prefix, name) -> {
      Seeder.Batch batch = Seeder.messages(1).subjectPrefix(prefix);
      if (!name.isEmpty()) {
        batch.from(name, "sender@example.com");
      }
      byte[] raw = batch.build().get(0);
      Message parsed = MimeReader.read(new ByteArrayInputStream(raw), new Uid.Imap(1, 1));
      assertThat(parsed.subject()).isEqualTo(batch.subject(0));
      assertThat(parsed.envelope().from().get(0).displayName()).isEqualTo(name.isEmpty() ? Optional.empty() : Optional.of(name));
      for (byte b : raw) {
        assertThat(b).isBetween((byte) 0, (byte) 127);
      }
    });
  }

  @Test
  void nonAsciiSubjectSurvivesDeliveryToTheTestServer() {
    try (TestMailServer server = TestMailServer.start()) {
      TestUser alice = server.createUser("alice@example.com", "secret");
      Seeder.Batch batch = Seeder.messages(2).from("Zoë Ødegård", "zoe@example.com").to("alice@example.com")
          .subjectPrefix("Отчёт за март —");
      batch.build().forEach(raw -> server.deliver(alice, raw));
      server.deliver(alice, batch.outgoing().get(1));

      assertThat(server.received("alice@example.com")).extracting(Message::subject)
          .containsExactly("Отчёт за март — 0", "Отчёт за март — 1", "Отчёт за март — 1");
      assertThat(server.received("alice@example.com")).allSatisfy(m ->
          assertThat(m.envelope().from().get(0).displayName()).hasValue("Zoë Ødegård"));
    }
  }

  @Test
  void streamsLargeBatchesLazily() {
    assertThat(Seeder.messages(20_000).bodySize(10).stream().mapToLong(b -> b.length).sum()).isGreaterThan(20_000L * 150);
  }

  @Test
  void rejectsBadSettingsNamingTheValue() {
    assertThatThrownBy(() -> Seeder.messages(-1)).hasMessage("count must be >= 0, was -1");
    assertThatThrownBy(() -> Seeder.messages(1).bodySize(-5)).hasMessage("bodySize must be >= 0, was -5");
    assertThatThrownBy(() -> Seeder.messages(1).subjectPrefix("a\r\nBcc: x")).hasMessageContaining("a\\r\\nBcc: x");
    assertThatThrownBy(() -> Seeder.messages(1).from("Eve\r\nBcc: x", "eve@example.com"))
        .hasMessage("from display name must be one line without control characters, was \"Eve\\r\\nBcc: x\"");
    assertThatThrownBy(() -> Seeder.messages(1).to("Bob", "not an address")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Seeder.messages(1).from("a@b\nc")).hasMessageContaining("from must be one ASCII address");
  }

  @Test
  void splitsMboxrdAndUnquotesFromLines() throws Exception {
    String mbox = "From alice@example.com Mon Jan  1 00:00:00 2024\n"
        + "Subject: one\n\nHello\n>From the start\n>>From quoted twice\n\n"
        + "From bob@example.com Mon Jan  1 00:01:00 2024\n"
        + "Subject: two\n\nbody\nFrom here on, no blank line before it\n";
    List<byte[]> rd = Seeder.splitMbox(new ByteArrayInputStream(mbox.getBytes(StandardCharsets.US_ASCII)), Seeder.MboxFormat.MBOXRD);
    assertThat(rd).extracting(SeederTest::text).containsExactly(
        "Subject: one\r\n\r\nHello\r\nFrom the start\r\n>From quoted twice\r\n",
        "Subject: two\r\n\r\nbody\r\nFrom here on, no blank line before it\r\n");
    List<byte[]> o = Seeder.splitMbox(new ByteArrayInputStream(mbox.getBytes(StandardCharsets.US_ASCII)), Seeder.MboxFormat.MBOXO);
    assertThat(text(o.get(0))).contains("\r\nFrom the start\r\n>>From quoted twice\r\n");
  }

  @Test
  void mboxrdRoundTripsAnyMessages() {
    Gen<String> line = integers().between(0, 6).map(i -> switch (i) {
      case 0 -> "From someone";
      case 1 -> ">From quoted";
      case 2 -> ">>From twice";
      case 3 -> "";
      case 4 -> "From:header-like";
      default -> "text " + i;
    });
    Gen<List<String>> body = lists().of(line).ofSizeBetween(0, 8);
    qt().forAll(lists().of(body).ofSizeBetween(1, 4)).checkAssert(bodies -> {
      ByteArrayOutputStream mbox = new ByteArrayOutputStream();
      List<String> expected = new ArrayList<>();
      for (List<String> b : bodies) {
        StringBuilder message = new StringBuilder("Subject: x\r\n\r\n");
        mbox.writeBytes("From sender@example.com Mon Jan  1 00:00:00 2024\nSubject: x\n\n".getBytes(StandardCharsets.US_ASCII));
        for (String l : b) {
          message.append(l).append("\r\n");
          String quoted = l.matches(">*From .*") ? ">" + l : l;
          mbox.writeBytes((quoted + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        mbox.writeBytes("\n".getBytes(StandardCharsets.US_ASCII));
        expected.add(message.toString());
      }
      try {
        List<byte[]> split = Seeder.splitMbox(new ByteArrayInputStream(mbox.toByteArray()), Seeder.MboxFormat.MBOXRD);
        assertThat(split).extracting(SeederTest::text).isEqualTo(expected);
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void loadsEmlFilesAndMboxFiles(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("b.eml"), "Subject: b\n\nbody b\n");
    Files.writeString(dir.resolve("a.EML"), "Subject: a\r\n\r\nbody a\r\n");
    Files.writeString(dir.resolve("notes.txt"), "not mail");
    Files.writeString(dir.resolve("box.mbox"), "From x\nSubject: m1\n\n1\n\nFrom y\nSubject: m2\n\n2\n");
    assertThat(Seeder.loadEmlDirectory(dir)).extracting(SeederTest::text)
        .containsExactly("Subject: a\r\n\r\nbody a\r\n", "Subject: b\r\n\r\nbody b\r\n");
    assertThat(Seeder.loadMbox(dir.resolve("box.mbox"))).extracting(SeederTest::text)
        .containsExactly("Subject: m1\r\n\r\n1\r\n", "Subject: m2\r\n\r\n2\r\n");
    assertThatThrownBy(() -> Seeder.loadEmlDirectory(dir.resolve("notes.txt"))).hasMessageContaining("not a directory");
    assertThatThrownBy(() -> Seeder.loadEml(dir.resolve("missing.eml"))).isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("missing.eml");
  }

  @Test
  void normalisesLineEndings() {
    assertThat(text(Seeder.toCrlf("a\nb\r\nc\rd".getBytes(StandardCharsets.US_ASCII)))).isEqualTo("a\r\nb\r\nc\r\nd");
  }
}
