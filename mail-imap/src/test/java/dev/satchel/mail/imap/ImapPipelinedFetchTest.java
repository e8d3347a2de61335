package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Flag;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Uid;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Partial-fetch streams send the next chunk's command before reading the current one. These tests
 * check that commands stay in step when that answer is still unread: other streams and other mailbox
 * operations in between, streams closed early, and the last chunk.
 */
class ImapPipelinedFetchTest {
  static final int CHUNK = 4096;
  static final MailboxOptions OPTIONS = MailboxOptions.builder().partialFetchSize(CHUNK).build();
  static GreenMailImap server;
  static GreenMailImap.User user;
  static byte[] dataA;
  static byte[] dataB;

  @BeforeAll
  static void seed() {
    server = new GreenMailImap();
    user = server.newUser();
    dataA = random(1, 50_000);
    dataB = random(2, 70_001);
    append("a", dataA);
    append("b", dataB);
  }

  private static byte[] random(long seed, int size) {
    byte[] d = new byte[size];
    new Random(seed).nextBytes(d);
    return d;
  }

  private static void append(String subject, byte[] data) {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    raw.writeBytes(("From: bob@example.test\r\nTo: alice@example.test\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        + "--b1\r\nContent-Type: application/octet-stream; name=\"" + subject + ".bin\"\r\n"
        + "Content-Disposition: attachment; filename=\"" + subject + ".bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
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

  private static Uid uidOf(Mailbox m, String subject) {
    return m.list(m.inbox()).stream().filter(s -> s.envelope().subject().equals(subject)).findFirst()
        .map(MessageSummary::uid).orElseThrow();
  }

  private static InputStream open(Mailbox m, String subject) throws IOException {
    return m.fetch(m.inbox(), uidOf(m, subject)).attachments().get(0).open();
  }

  private static void readSome(InputStream in, ByteArrayOutputStream to, int bytes) throws IOException {
    byte[] buf = new byte[1000];
    int left = bytes;
    while (left > 0) {
      int n = in.read(buf, 0, Math.min(buf.length, left));
      if (n < 0) {
        return;
      }
      to.write(buf, 0, n);
      left -= n;
    }
  }

  @Test
  void twoStreamsReadInTurnsOnOneMailboxBothComplete() throws Exception {
    try (Mailbox m = Mailbox.connect(server.settings(user), OPTIONS)) {
      ByteArrayOutputStream a = new ByteArrayOutputStream();
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try (InputStream inA = open(m, "a"); InputStream inB = open(m, "b")) {
        while (a.size() < dataA.length || b.size() < dataB.length) {
          int before = a.size() + b.size();
          readSome(inA, a, 7000);
          readSome(inB, b, 5000);
          assertThat(a.size() + b.size()).isGreaterThan(before);
        }
        assertThat(inA.read()).isEqualTo(-1);
        assertThat(inB.read()).isEqualTo(-1);
      }
      assertThat(a.toByteArray()).isEqualTo(dataA);
      assertThat(b.toByteArray()).isEqualTo(dataB);
    }
  }

  @Test
  void otherOperationsBetweenReadsSeeTheirOwnAnswers() throws Exception {
    try (Mailbox m = Mailbox.connect(server.settings(user), OPTIONS)) {
      Uid a = uidOf(m, "a");
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      try (InputStream in = open(m, "a")) {
        readSome(in, got, 3 * CHUNK);
        assertThat(m.list(m.inbox())).hasSize(2);
        readSome(in, got, 2 * CHUNK);
        m.addFlags(m.inbox(), List.of(a), Set.of(Flag.FLAGGED));
        readSome(in, got, CHUNK + 17);
        assertThat(m.folders()).isNotEmpty();
        readSome(in, got, Integer.MAX_VALUE);
      }
      assertThat(got.toByteArray()).isEqualTo(dataA);
      MessageSummary s = m.list(m.inbox()).stream().filter(x -> x.uid().equals(a)).findFirst().orElseThrow();
      assertThat(s.flags()).containsExactly(Flag.FLAGGED);
      m.removeFlags(m.inbox(), List.of(a), Set.of(Flag.FLAGGED));
    }
  }

  @Test
  void aStreamClosedEarlyLeavesTheConnectionInStep() throws Exception {
    try (Mailbox m = Mailbox.connect(server.settings(user), OPTIONS)) {
      try (InputStream in = open(m, "b")) {
        readSome(in, new ByteArrayOutputStream(), 3 * CHUNK);
      }
      List<MessageSummary> all = m.list(m.inbox());
      assertThat(all).extracting(x -> x.envelope().subject()).containsExactlyInAnyOrder("a", "b");
      InputStream abandoned = open(m, "a");
      readSome(abandoned, new ByteArrayOutputStream(), 2 * CHUNK + 1);
      // never closed: the next command still gets its own answer
      assertThat(m.list(m.inbox())).hasSize(2);
      ByteArrayOutputStream again = new ByteArrayOutputStream();
      try (InputStream in = open(m, "a")) {
        readSome(in, again, Integer.MAX_VALUE);
      }
      assertThat(again.toByteArray()).isEqualTo(dataA);
    }
  }

  @Test
  void rawStreamsEndExactlyAtTheMessageSizeForEveryChunkAlignment() throws Exception {
    try (Mailbox probe = Mailbox.connect(server.settings(user), OPTIONS)) {
      long size = probe.list(probe.inbox()).get(0).size();
      // chunk sizes around a divisor of the size, so that the last chunk is full, short by one, or one byte
      for (int chunk : new int[] {4096, 4097, 5000, (int) Math.max(4096, size / 8)}) {
        MailboxOptions o = MailboxOptions.builder().partialFetchSize(chunk).build();
        try (Mailbox m = Mailbox.connect(server.settings(user), o)) {
          Uid uid = m.list(m.inbox()).get(0).uid();
          long total = 0;
          try (InputStream in = m.openRaw(m.inbox(), uid)) {
            byte[] buf = new byte[3000];
            int n;
            while ((n = in.read(buf)) > 0) {
              total += n;
            }
          }
          assertThat(total).as("chunk %d", chunk).isEqualTo(size);
          assertThat(m.list(m.inbox())).hasSize(2);
        }
      }
    }
  }
}
