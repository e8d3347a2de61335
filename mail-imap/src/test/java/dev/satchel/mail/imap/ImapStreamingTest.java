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
 * A 50 MB attachment streams through partial fetches, byte for byte, without marking the message
 * seen. The heap it retains is measured in {@link ImapStreamingDovecotTest}, against a server in
 * another process: GreenMail runs in this JVM and materialises the stored message while it answers
 * the partial fetches the stream sends ahead, so its own heap would be counted here.
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

  @Test
  void aFiftyMegabyteAttachmentStreamsWhole() throws Exception {
    try (Mailbox m = Mailbox.connect(server.settings(user), OPTIONS)) {
      Uid uid = m.list(m.inbox()).get(0).uid();
      Message message = m.fetch(m.inbox(), uid);
      MessagePart part = message.attachments().get(0);
      assertThat(part.filename()).contains("big.bin");
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long total = 0;
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = part.open()) {
        int n;
        while ((n = in.read(buf)) > 0) {
          sha.update(buf, 0, n);
          total += n;
        }
      }
      assertThat(total).isEqualTo(SIZE);
      assertThat(sha.digest()).isEqualTo(digest);
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
