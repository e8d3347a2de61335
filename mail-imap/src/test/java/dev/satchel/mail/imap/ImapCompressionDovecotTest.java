package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.Folder;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.MailboxOptions.Compression;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessagePart;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Security;
import dev.satchel.mail.Uid;
import dev.satchel.mail.Watch;
import dev.satchel.mail.testkit.FaultProxy;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

/**
 * COMPRESS=DEFLATE (RFC 4978) against the Dovecot harness, whose imap_zlib plugin offers it: the bytes
 * on the wire are counted by a protocol-unaware proxy, with compression on (the default) and off, for
 * the same listing and the same attachment. Gated like {@link ImapDovecotTest}.
 */
@DisabledIfEnvironmentVariable(named = "SATCHEL_INTEROP", matches = "skip",
    disabledReason = "SATCHEL_INTEROP=skip: the tests against the Dovecot harness are skipped")
class ImapCompressionDovecotTest {
  private static final int MESSAGES = 200;
  private Mailbox mailbox;
  private Folder folder;

  @BeforeAll
  static void harness() {
    ImapDovecotTest.harness();
  }

  @BeforeEach
  void connect() {
    mailbox = Mailbox.connect(ImapDovecotTest.settings(Security.NONE));
    folder = mailbox.createFolder("satchel-zlib-" + System.nanoTime());
  }

  @AfterEach
  void cleanUp() {
    mailbox.deleteFolder(folder);
    mailbox.close();
  }

  @Test
  void aCompressedListingMovesFarFewerBytesAndGivesTheSameSummaries() {
    for (int i = 0; i < MESSAGES; i++) {
      mailbox.append(folder, OutgoingMessage.builder().from("Bob Example <bob@example.test>")
          .to(ImapDovecotTest.USER).cc("alice@example.test").subject("Quarterly report, part " + i)
          .text("numbers " + i).build(), Set.of());
    }
    Listed plain = list(Compression.OFF);
    Listed compressed = list(Compression.ON);
    assertThat(plain.summaries).hasSize(MESSAGES);
    assertThat(compressed.summaries).usingRecursiveFieldByFieldElementComparator()
        .containsExactlyElementsOf(plain.summaries);
    // Envelopes repeat addresses and words: DEFLATE shrinks the listing several times over.
    assertThat(compressed.bytesToClient).as("compressed %d vs plain %d bytes", compressed.bytesToClient,
        plain.bytesToClient).isLessThan(plain.bytesToClient / 3);
  }

  @Test
  void anAttachmentStreamsIntactThroughACompressedConnection() throws Exception {
    byte[] data = new byte[3 * 1024 * 1024 + 17]; // several partial fetches of 1 MiB
    new Random(42).nextBytes(data);
    Uid uid = mailbox.append(folder, OutgoingMessage.builder().from("bob@example.test").to(ImapDovecotTest.USER)
        .subject("binary").text("see attached").attach(Attachment.of("data.bin", "application/octet-stream", data))
        .build(), Set.of()).orElseThrow();
    for (Compression compression : Compression.values()) {
      try (FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", ImapDovecotTest.imapPort());
          Mailbox m = Mailbox.connect(proxy.route(ImapDovecotTest.settings(Security.NONE)),
              MailboxOptions.builder().compression(compression).build())) {
        Message message = m.fetch(folder, uid);
        MessagePart part = message.attachments().get(0);
        byte[] read;
        try (InputStream in = part.open()) {
          read = in.readAllBytes();
        }
        assertThat(read).as("compression %s", compression).isEqualTo(data);
        // base64 of random bytes carries 6 bits per byte: DEFLATE gets back about a quarter. AUTO
        // does not compress here: the proxy listens on loopback.
        long floor = data.length * 4L / 3;
        if (compression == Compression.ON) {
          assertThat(proxy.bytesToClient()).isLessThan(floor);
        } else {
          assertThat(proxy.bytesToClient()).isGreaterThan(floor);
        }
      }
    }
  }

  @Test
  void aWatchOverACompressedConnectionReportsDeliveriesAndRemovals() {
    Uid first = mailbox.append(folder, OutgoingMessage.builder().from("bob@example.test").to(ImapDovecotTest.USER)
        .subject("already there").text("x").build(), Set.of()).orElseThrow();
    ImapWatchTest.Recorder rec = new ImapWatchTest.Recorder();
    MailboxOptions options = MailboxOptions.builder().compression(Compression.ON)
        .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(400)).build();
    try (FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", ImapDovecotTest.imapPort());
        Mailbox m = Mailbox.connect(proxy.route(ImapDovecotTest.settings(Security.NONE)), options);
        Watch w = m.watch(folder, rec)) {
      mailbox.append(folder, OutgoingMessage.builder().from("bob@example.test").to(ImapDovecotTest.USER)
          .subject("pushed").text("x").build(), Set.of());
      ImapWatchTest.await(() -> rec.hasSubject("pushed"), "the delivery is pushed");
      mailbox.delete(folder, List.of(first));
      ImapWatchTest.await(() -> rec.removed.contains(first), "the removal is pushed");
      assertThat(rec.drops).isEmpty();
    }
  }

  private Listed list(Compression compression) {
    try (FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", ImapDovecotTest.imapPort())) {
      MailSettings routed = proxy.route(ImapDovecotTest.settings(Security.NONE));
      List<MessageSummary> summaries;
      try (Mailbox m = Mailbox.connect(routed, MailboxOptions.builder().compression(compression).build())) {
        summaries = new ArrayList<>(m.list(folder));
      }
      return new Listed(summaries, proxy.bytesToClient());
    }
  }

  private record Listed(List<MessageSummary> summaries, long bytesToClient) {}
}
