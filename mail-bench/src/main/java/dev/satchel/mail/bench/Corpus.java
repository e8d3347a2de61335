package dev.satchel.mail.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/** The messages the benchmarks seed: the same bytes on every server and in every run. */
final class Corpus {
  private static final ZonedDateTime EPOCH = ZonedDateTime.of(2025, 3, 1, 8, 0, 0, 0, ZoneOffset.UTC);
  private static final String[] WORDS = {"invoice", "meeting", "report", "shipment", "quarterly", "review", "budget",
      "schedule", "release", "incident", "customer", "renewal", "update", "draft", "offer", "agenda"};

  private Corpus() {}

  /**
   * A typical small message (about 2 KB): a few addresses, a subject (some RFC 2047-encoded), a
   * Message-ID and a text body.
   *
   * @param tag distinguishes sets of messages ("list", "pop", "new")
   */
  static byte[] small(String tag, int i) {
    SplittableRandom r = new SplittableRandom(i * 31L + tag.hashCode());
    StringBuilder m = new StringBuilder(2400);
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(EPOCH.plusMinutes(i));
    m.append("Date: ").append(date).append("\r\n");
    m.append("From: \"Sender ").append(i % 97).append("\" <sender").append(i % 97).append("@example.org>\r\n");
    m.append("To: \"Bench\" <bench@example.test>");
    if (i % 3 == 0) {
      m.append(", carol@example.test");
    }
    m.append("\r\n");
    if (i % 5 == 0) {
      m.append("Cc: \"Team ").append(i % 11).append("\" <team").append(i % 11).append("@example.org>\r\n");
    }
    String subject = tag + " " + i + ": " + WORDS[r.nextInt(WORDS.length)] + " " + WORDS[r.nextInt(WORDS.length)];
    if (i % 7 == 0) {
      m.append("Subject: =?UTF-8?B?")
          .append(Base64.getEncoder().encodeToString(("Grüße – " + subject).getBytes(StandardCharsets.UTF_8)))
          .append("?=\r\n");
    } else {
      m.append("Subject: ").append(subject).append("\r\n");
    }
    m.append("Message-ID: <").append(tag).append('.').append(i).append("@bench.example.org>\r\n");
    m.append("MIME-Version: 1.0\r\n");
    m.append("Content-Type: text/plain; charset=UTF-8\r\n");
    m.append("Content-Transfer-Encoding: 8bit\r\n\r\n");
    int lines = 20 + r.nextInt(10);
    for (int l = 0; l < lines; l++) {
      for (int w = 0; w < 9; w++) {
        m.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
      }
      m.append("\r\n");
    }
    return m.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The decoded attachment of {@link #bigMessage}: {@code size} pseudo-random bytes. */
  static byte[] attachment(int size) {
    byte[] data = new byte[size];
    new SplittableRandom(42).nextBytes(data);
    return data;
  }

  /** CRC-32 of the attachment, to check every client read the same bytes. */
  static long attachmentCrc(int size) {
    CRC32 crc = new CRC32();
    crc.update(attachment(size));
    return crc.getValue();
  }

  /**
   * A multipart/mixed message: a short text part (section 1) and the attachment, base64 in 76-column
   * lines (section 2), named {@code data.bin}.
   */
  static byte[] bigMessage(int attachmentSize) {
    byte[] data = attachment(attachmentSize);
    String boundary = "bench-boundary-" + Integer.toHexString(attachmentSize);
    ByteArrayOutputStream out = new ByteArrayOutputStream(attachmentSize * 4 / 3 + attachmentSize / 38 + 4096);
    String head = "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(EPOCH) + "\r\n"
        + "From: \"Sender\" <sender@example.org>\r\n"
        + "To: bench@example.test\r\n"
        + "Subject: " + String.format(Locale.ROOT, "%d MB attachment", attachmentSize / (1024 * 1024)) + "\r\n"
        + "Message-ID: <big." + attachmentSize + "@bench.example.org>\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n"
        + "--" + boundary + "\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
        + "The attachment.\r\n"
        + "--" + boundary + "\r\n"
        + "Content-Type: application/octet-stream; name=\"data.bin\"\r\n"
        + "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n";
    out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encode(data));
    out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }
}
