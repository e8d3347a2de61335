package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessagePart;
import dev.satchel.mail.Uid;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 50 MB attachment streams through partial fetches: the heap retained while reading it stays far
 * below its size. The check samples heap use after a GC at several points of the read; the server
 * (GreenMail, in this JVM) holds the stored message before the baseline is taken.
 */
class ImapStreamingTest {
  static final int SIZE = 50 * 1024 * 1024;
  static GreenMailImap server;
  static GreenMailImap.User user;
  static byte[] digest;
  // GreenMail re-reads the whole stored message for every partial fetch, so larger chunks keep this
  // test fast; the default (1 MiB) was chosen by measurement against Dovecot, see the README.
  static final MailboxOptions OPTIONS = MailboxOptions.builder().partialFetchSize(4 * 1024 * 1024).build();

  @BeforeAll
  static void seed() throws Exception {
    server = new GreenMailImap();
    user = server.newUser();
    byte[] data = new byte[SIZE];
    new Random(42).nextBytes(data);
    digest = MessageDigest.getInstance("SHA-256").digest(data);
    ByteArrayOutputStream raw = new ByteArrayOutputStream(SIZE * 14 / 10);
    raw.writeBytes(("From: bob@example.test\r\nTo: alice@example.test\r\nSubject: big\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        + "--b1\r\nContent-Type: application/octet-stream; name=\"big.bin\"\r\n"
        + "Content-Disposition: attachment; filename=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    raw.writeBytes(Base64.getMimeEncoder().encode(data));
    raw.writeBytes("\r\n--b1--\r\n".getBytes(StandardCharsets.US_ASCII));
    server.folder(user, "INBOX").appendMessage(GreenMailImap.parse(raw.toByteArray()), new jakarta.mail.Flags(),
        new java.util.Date());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static long usedAfterGc(Runtime rt) {
    System.gc();
    System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }

  @Test
  void aFiftyMegabyteAttachmentStreamsWithSmallHeapGrowth() throws Exception {
    Runtime mem = Runtime.getRuntime();
    try (Mailbox m = Mailbox.connect(server.settings(user), OPTIONS)) {
      Uid uid = m.list(m.inbox()).get(0).uid();
      Message message = m.fetch(m.inbox(), uid);
      MessagePart part = message.attachments().get(0);
      assertThat(part.filename()).contains("big.bin");
      long baseline = usedAfterGc(mem);
      long peak = 0;
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long total = 0;
      long nextSample = 10L * 1024 * 1024;
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = part.open()) {
        int n;
        while ((n = in.read(buf)) > 0) {
          sha.update(buf, 0, n);
          total += n;
          if (total >= nextSample) {
            peak = Math.max(peak, usedAfterGc(mem) - baseline);
            nextSample += 10L * 1024 * 1024;
          }
        }
      }
      assertThat(total).isEqualTo(SIZE);
      assertThat(sha.digest()).isEqualTo(digest);
      // generous slack: a few partial-fetch chunks and decoder buffers, nowhere near 50 MB
      assertThat(peak).isLessThan(SIZE / 4);
      assertThat(m.list(m.inbox()).get(0).isSeen()).isFalse();
    }
  }

  @Test
  void openRawStreamsTheWholeMessage() throws Exception {
    try (Mailbox m = Mailbox.connect(server.settings(user), OPTIONS)) {
      Uid uid = m.list(m.inbox()).get(0).uid();
      long size = m.list(m.inbox()).get(0).size();
      long total = 0;
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = m.openRaw(m.inbox(), uid)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          total += n;
        }
      }
      assertThat(total).isEqualTo(size);
      assertThat(List.of(m.list(m.inbox()).get(0).isSeen())).containsExactly(false);
    }
  }
}
