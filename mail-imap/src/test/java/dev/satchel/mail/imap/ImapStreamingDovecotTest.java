package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.Folder;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Security;
import dev.satchel.mail.Uid;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

/**
 * The heap a 50 MB attachment costs while it streams, against Dovecot (a server in another process,
 * so only the client's heap is measured): sampled after a GC every 10 MB of the read, it stays far
 * below the attachment's size, with the partial fetches sent ahead. Gated like {@link ImapDovecotTest}.
 */
@DisabledIfEnvironmentVariable(named = "SATCHEL_INTEROP", matches = "skip",
    disabledReason = "SATCHEL_INTEROP=skip: the tests against the Dovecot harness are skipped")
class ImapStreamingDovecotTest {
  static final int SIZE = 50 * 1024 * 1024;

  @BeforeAll
  static void harness() {
    ImapDovecotTest.harness();
  }

  private static long usedAfterGc(Runtime rt) {
    System.gc();
    System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }

  @Test
  void aFiftyMegabyteAttachmentStreamsWithSmallHeapGrowth() throws Exception {
    byte[] data = new byte[SIZE];
    new Random(42).nextBytes(data);
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
    Folder folder;
    Uid uid;
    try (Mailbox m = Mailbox.connect(ImapDovecotTest.settings(Security.NONE))) {
      folder = m.createFolder("satchel-stream-" + System.nanoTime());
      uid = m.append(folder, OutgoingMessage.builder().from("bob@example.test").to("alice@example.test").subject("big")
          .text("see attached").attach(Attachment.of("big.bin", "application/octet-stream", data)).build(), Set.of())
          .orElseThrow();
    }
    data = null; // only the digest is kept
    Runtime mem = Runtime.getRuntime();
    try (Mailbox m = Mailbox.connect(ImapDovecotTest.settings(Security.NONE))) {
      Message message = m.fetch(folder, uid);
      long baseline = usedAfterGc(mem);
      long peak = 0;
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long total = 0;
      long nextSample = 10L * 1024 * 1024;
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = message.attachments().get(0).open()) {
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
      // a window of partial fetches being read and one sent ahead (2 MiB each) and decoder buffers
      assertThat(peak).isLessThan(16L * 1024 * 1024);
      try (InputStream raw = m.openRaw(folder, uid)) {
        assertThat(raw.transferTo(java.io.OutputStream.nullOutputStream())).isGreaterThan(SIZE * 4L / 3);
      }
    } finally {
      try (Mailbox m = Mailbox.connect(ImapDovecotTest.settings(Security.NONE))) {
        m.deleteFolder(folder);
      }
    }
  }
}
