package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The engine streams a large body part through its literal sink, decoded, without holding it. */
class EnginePreviewTest {
  @Test
  void streamsALargeAttachmentIntact() throws Exception {
    byte[] data = new byte[20 << 20];
    new Random(7).nextBytes(data);
    try (TestMailServer server = TestMailServer.start()) {
      TestUser user = server.createUser("frank@example.test", "frank-pw");
      server.deliver(user, OutgoingMessage.builder().from("a@example.test").to("frank@example.test").subject("big")
          .text("see attachment").attach(Attachment.of("data.bin", "application/octet-stream", data)).build());
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      long[] read = {0};
      EnginePreview.streamSection(server.settings(user, Protocol.IMAP), "INBOX", 1, "2", true, Duration.ofMinutes(2), in -> {
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) >= 0) {
          digest.update(buf, 0, n);
          read[0] += n;
        }
      });
      assertThat(read[0]).isEqualTo(data.length);
      assertThat(digest.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
    }
  }
}
