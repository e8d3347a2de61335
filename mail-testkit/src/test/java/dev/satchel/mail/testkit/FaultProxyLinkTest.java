package dev.satchel.mail.testkit;

import static dev.satchel.mail.testkit.FaultProxyTest.connect;
import static dev.satchel.mail.testkit.FaultProxyTest.payload;
import static dev.satchel.mail.testkit.FaultProxyTest.sending;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The proxy as a network link: latency as a pipe delay ({@link DelayLine}) and bandwidth as a token
 * bucket ({@link TokenBucket}). Only lower bounds on time are asserted: a slow machine may take longer.
 */
class FaultProxyLinkTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  /** Echoes every byte back. */
  private static LoopbackServer echoServer() {
    return new LoopbackServer(s -> s.getInputStream().transferTo(s.getOutputStream()));
  }

  @Test
  void roundTripTakesBothLatencies() throws Exception {
    try (LoopbackServer server = echoServer(); FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port())) {
      proxy.defaultScript(ConnectionScript.latency(Duration.ofMillis(20)));
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Socket s = connect(proxy)) {
          InputStream in = s.getInputStream();
          for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            s.getOutputStream().write("ping\r\n".getBytes(US_ASCII));
            assertThat(in.readNBytes(6)).isEqualTo("ping\r\n".getBytes(US_ASCII));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(40));
          }
        }
      });
    }
  }

  @Test
  void bandwidthCapsThroughput() throws Exception {
    byte[] data = payload(1_000_000);
    try (LoopbackServer server = sending(data); FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port())) {
      proxy.defaultScript(ConnectionScript.builder().bandwidth(Direction.TO_CLIENT, 10_000_000).build());
      assertTimeoutPreemptively(DEADLINE, () -> {
        long t0 = System.nanoTime();
        try (Socket s = connect(proxy)) {
          assertThat(s.getInputStream().readNBytes(data.length)).isEqualTo(data);
        }
        // 1 MB at 10 MB/s is 100 ms, less the bucket's first burst of 64 KiB
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(90));
      });
    }
  }

  @Test
  void linkDeliversAStreamIntactAfterItsLatency() throws Exception {
    byte[] data = payload(300_000);
    try (LoopbackServer server = sending(data); FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port())) {
      proxy.defaultScript(ConnectionScript.link(Duration.ofMillis(20), 10_000_000));
      assertTimeoutPreemptively(DEADLINE, () -> {
        long t0 = System.nanoTime();
        try (Socket s = connect(proxy)) {
          InputStream in = s.getInputStream();
          int first = in.read();
          assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(20));
          assertThat(first).isEqualTo(data[0]);
          assertThat(in.readNBytes(data.length - 1)).isEqualTo(Arrays.copyOfRange(data, 1, data.length));
        }
      });
      assertThat(proxy.connection(0).script().faultKinds()).containsExactly("latency", "bandwidth");
      assertThat(proxy.connection(0).awaitClosed(DEADLINE)).isTrue();
      assertThat(proxy.bytesToClient()).isEqualTo(data.length);
    }
  }

  @Test
  void lastBytesBeforeTheServerClosesStillArrive() throws Exception {
    byte[] data = payload(5_000);
    try (LoopbackServer server = new LoopbackServer(s -> s.getOutputStream().write(data));
        FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port())) {
      proxy.defaultScript(ConnectionScript.latency(Duration.ofMillis(30)));
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Socket s = connect(proxy)) {
          assertThat(s.getInputStream().readAllBytes()).isEqualTo(data);
        }
      });
    }
  }

  @Test
  void cutWithLatencyDeliversExactlyThatManyBytesThenEndOfStream() throws Exception {
    byte[] big = payload(50_000);
    try (LoopbackServer server = sending(big); FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port())) {
      proxy.enqueue(ConnectionScript.latency(Duration.ofMillis(10)).toBuilder().cutAfter(Direction.TO_CLIENT, 1234).build());
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Socket s = connect(proxy)) {
          assertThat(s.getInputStream().readAllBytes()).isEqualTo(Arrays.copyOf(big, 1234));
        }
        ProxyConnection c = proxy.connection(0);
        assertThat(c.awaitClosed(DEADLINE)).isTrue();
        assertThat(c.firedFault()).isEqualTo("cut");
      });
    }
  }

  @Test
  void delayLineAcceptsNewChunksWhileEarlierOnesAreInFlight() throws Exception {
    List<String> written = new ArrayList<>();
    DelayLine line = new DelayLine(Duration.ofHours(1), 1 << 20, (b, off, len) -> written.add(new String(b, off, len, US_ASCII)));
    Thread runner = new Thread(line);
    runner.start();
    for (int i = 0; i < 100; i++) {
      line.offer(("chunk" + i).getBytes(US_ASCII), 0, 6);
    }
    line.stop();
    runner.join(DEADLINE.toMillis());

    assertThat(runner.isAlive()).isFalse();
    assertThat(written).isEmpty();
    assertThatThrownBy(() -> line.offer(new byte[1], 0, 1)).isInstanceOf(IOException.class).hasMessageContaining("closed");
  }

  @Test
  void delayLineFinishWritesEverythingInOrder() throws Exception {
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    DelayLine line = new DelayLine(Duration.ofMillis(1), 64, written::write);
    Thread runner = new Thread(line);
    runner.start();
    byte[] data = payload(1000);
    for (int i = 0; i < data.length; i += 10) {
      line.offer(data, i, 10);
    }
    line.finish();
    runner.join(DEADLINE.toMillis());

    assertThat(written.toByteArray()).isEqualTo(data);
  }

  @Test
  void tokenBucketHoldsTenMillisecondsOfTheRate() {
    assertThat(new TokenBucket(10_000_000).capacity()).isEqualTo(64 * 1024);
    assertThat(new TokenBucket(200_000).capacity()).isEqualTo(2_000);
    assertThat(new TokenBucket(5).capacity()).isEqualTo(1);
    assertThatThrownBy(() -> new TokenBucket(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 0");
  }

  @Test
  void linkRejectsBadValues() {
    assertThatThrownBy(() -> ConnectionScript.link(Duration.ofMillis(-1), 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConnectionScript.link(Duration.ofMillis(1), 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 0");
  }
}
