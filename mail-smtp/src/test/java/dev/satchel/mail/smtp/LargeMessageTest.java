package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Transport;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A 20 MB attachment is streamed from its source to the socket, never held whole in memory. */
class LargeMessageTest {
  private static final int SIZE = 20 * 1024 * 1024;

  @Test
  void twentyMegabyteAttachmentIsStreamed() throws Exception {
    try (FakeSmtpServer server = new FakeSmtpServer()) {
      server.password = TestServers.FAKE_PASSWORD;
      server.extensions = List.of("SIZE 104857600", "8BITMIME", "AUTH PLAIN LOGIN");
      server.keepUpTo = 0;
      AtomicLong peakGrowth = new AtomicLong();
      long baseline = usedAfterGc();
      Attachment big = Attachment.of("big.bin", "application/octet-stream", () -> new GeneratedStream(SIZE, () -> {
        long growth = usedAfterGc() - baseline;
        peakGrowth.accumulateAndGet(growth, Math::max);
      }));
      OutgoingMessage m = OutgoingMessage.builder().from("s@fake.test").to("b@fake.test").text("see attachment").attach(big).build();
      try (Transport smtp = Transport.connect(
          TestServers.plain(server.port()).password("u@fake.test", TestServers.FAKE_PASSWORD).build())) {
        assertThat(smtp.send(m).isComplete()).isTrue();
      }
      assertThat(server.messageCount.get()).isEqualTo(1);
      long encoded = server.lastMessageBytes.get();
      assertThat(encoded).isGreaterThan(SIZE);
      // Retained heap while the content flows: far below the message, with generous slack for GC noise.
      assertThat(peakGrowth.get()).isLessThan(SIZE / 3);
      System.out.println("20 MB attachment: " + encoded + " bytes on the wire, peak retained heap growth "
          + peakGrowth.get() / 1024 + " KiB");
    }
  }

  private static long usedAfterGc() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  /** Pseudo-random bytes generated on the fly; calls {@code probe} at each quarter of the content. */
  private static final class GeneratedStream extends InputStream {
    private final long size;
    private final Runnable probe;
    private long pos;
    private int nextQuarter = 1;

    GeneratedStream(long size, Runnable probe) {
      this.size = size;
      this.probe = probe;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - pos);
      for (int i = 0; i < n; i++) {
        long x = (pos + i) * 0x9E3779B97F4A7C15L;
        b[off + i] = (byte) (x >>> 56);
      }
      pos += n;
      if (nextQuarter <= 3 && pos >= size * nextQuarter / 4) {
        nextQuarter++;
        probe.run();
      }
      return n;
    }
  }
}
