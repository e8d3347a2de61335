package dev.satchel.mail.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessagePart;
import dev.satchel.mail.Uid;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A ~20 MB message is downloaded without sitting whole in this JVM's heap: RETR streams to a
 * temporary file that is deleted at close. Heap is measured after full collections, with generous
 * slack (the message is 20 MB; the allowance is 8 MB), never time.
 */
class Pop3StreamingTest {
  private static final int ATTACHMENT_BYTES = 15_000_000; // ~20 MB once base64-encoded
  private static final long ALLOWED_GROWTH = 8L * 1024 * 1024;

  private Pop3Fixture server;
  private String attachmentDigest;
  private long messageBytes;

  @BeforeEach
  void start() throws Exception {
    server = new Pop3Fixture();
    byte[] attachment = new byte[ATTACHMENT_BYTES];
    new Random(42).nextBytes(attachment);
    attachmentDigest = sha256(new java.io.ByteArrayInputStream(attachment));
    byte[] raw = bigMessage(attachment);
    messageBytes = raw.length;
    server.server.deliver(server.user, raw);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aLargeMessageIsStreamedThroughATemporaryFileNotHeldInMemory() throws Exception {
    assertThat(messageBytes).isGreaterThan(20_000_000);
    warmUp();
    Set<File> cacheFilesBefore = cacheFiles();
    long before = usedHeapAfterGc();

    Set<File> ours;
    try (Mailbox mailbox = Mailbox.connect(server.settings())) {
      Uid uid = mailbox.list(mailbox.inbox()).get(0).uid();

      InputStream raw = mailbox.openRaw(mailbox.inbox(), uid);
      byte[] head = raw.readNBytes(2048);
      long whileOpen = usedHeapAfterGc() - before;
      assertThat(whileOpen).as("heap growth with the raw stream open (message: %d bytes)", messageBytes)
          .isLessThan(ALLOWED_GROWTH);
      assertThat(new String(head, StandardCharsets.US_ASCII)).contains("Subject: big one");
      long total = head.length + raw.transferTo(java.io.OutputStream.nullOutputStream());
      raw.close();
      assertThat(total).isGreaterThan(20_000_000);

      Message message = mailbox.fetch(mailbox.inbox(), uid);
      long whileHeld = usedHeapAfterGc() - before;
      System.out.printf("POP3 streaming: message %d bytes; heap growth %d bytes with openRaw open, %d bytes holding"
          + " the fetched Message%n", messageBytes, whileOpen, whileHeld);
      assertThat(whileHeld).as("heap growth holding the fetched message").isLessThan(ALLOWED_GROWTH);
      assertThat(message.subject()).isEqualTo("big one");
      assertThat(message.text()).hasValueSatisfying(t -> assertThat(t).contains("see attached"));
      MessagePart part = message.attachments().get(0);
      assertThat(part.filename()).contains("data.bin");
      try (InputStream in = part.open()) {
        assertThat(sha256(in)).isEqualTo(attachmentDigest);
      }

      ours = new HashSet<>(cacheFiles());
      ours.removeAll(cacheFilesBefore);
      ours.removeIf(f -> f.length() < messageBytes);
      assertThat(ours).as("this session's download cache").isNotEmpty();
    }
    assertThat(ours).as("deleted at close").noneMatch(File::exists);
  }

  /**
   * Downloads once, in its own frame: the test server runs in this JVM and may keep state from its
   * first download, and a local variable of this test method could keep what it read reachable.
   */
  private void warmUp() throws IOException {
    try (Mailbox mailbox = Mailbox.connect(server.settings()); InputStream in = mailbox.openRaw(mailbox.inbox(),
        mailbox.list(mailbox.inbox()).get(0).uid())) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }

  private static Set<File> cacheFiles() {
    File[] files = new File(System.getProperty("java.io.tmpdir"))
        .listFiles((dir, name) -> name.startsWith("pop3.") && name.endsWith(".mbox"));
    return files == null ? Set.of() : new HashSet<>(Arrays.asList(files));
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static byte[] bigMessage(byte[] attachment) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(ATTACHMENT_BYTES * 4 / 3 + 4096);
    String head = "From: Bob <bob@example.test>\r\nTo: " + Pop3Fixture.USER + "\r\nSubject: big one\r\n"
        + "Message-ID: <big@example.test>\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b0undary\"\r\n\r\n"
        + "--b0undary\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nsee attached\r\n"
        + "--b0undary\r\nContent-Type: application/octet-stream\r\n"
        + "Content-Disposition: attachment; filename=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(Base64.getMimeEncoder().encode(attachment));
    out.write("\r\n--b0undary--\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  private static String sha256(InputStream in) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[65536];
    for (int n; (n = in.read(buf)) > 0; ) {
      d.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(d.digest());
  }

}
