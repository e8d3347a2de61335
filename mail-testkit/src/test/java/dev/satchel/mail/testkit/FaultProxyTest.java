package dev.satchel.mail.testkit;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ReliabilityReport.class)
class FaultProxyTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  /** Greets with "HELLO", then echoes every byte. */
  private static LoopbackServer echoServer() {
    return new LoopbackServer(s -> {
      OutputStream out = s.getOutputStream();
      out.write("HELLO\r\n".getBytes(US_ASCII));
      out.flush();
      s.getInputStream().transferTo(out);
    });
  }

  /** Sends {@code payload} on connect, then waits for the client to close. */
  static LoopbackServer sending(byte[] payload) {
    return new LoopbackServer(s -> {
      s.getOutputStream().write(payload);
      s.getOutputStream().flush();
      s.getInputStream().transferTo(OutputStream.nullOutputStream());
    });
  }

  static Socket connect(FaultProxy proxy) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    s.setSoTimeout(10_000);
    return s;
  }

  private static byte[] readToEnd(Socket s) throws IOException {
    return s.getInputStream().readAllBytes();
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      line.write(c);
      if (c == '\n') {
        break;
      }
    }
    return line.toString(US_ASCII);
  }

  static byte[] payload(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ('a' + i % 26);
    }
    return b;
  }

  @Test
  void passThroughForwardsBothWaysAndCounts() throws Exception {
    try (LoopbackServer server = echoServer(); FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port())) {
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Socket s = connect(proxy)) {
          InputStream in = s.getInputStream();
          assertThat(readLine(in)).isEqualTo("HELLO\r\n");
          s.getOutputStream().write("one\r\ntwo\r\n".getBytes(US_ASCII));
          assertThat(readLine(in)).isEqualTo("one\r\n");
          assertThat(readLine(in)).isEqualTo("two\r\n");
        }
        ProxyConnection c = proxy.connection(0);
        assertThat(c.awaitClosed(DEADLINE)).isTrue();
        assertThat(c.bytesToServer()).isEqualTo(10);
        assertThat(c.bytesToClient()).isEqualTo(17);
        assertThat(c.commands()).isEqualTo(2);
        assertThat(c.firedFault()).isNull();
        assertThat(proxy.bytesToServer()).isEqualTo(10);
        assertThat(proxy.commands()).isEqualTo(2);
      });
    }
  }

  @Test
  void cutTowardsClientDeliversExactlyThatManyBytesThenEndOfStream() throws Exception {
    byte[] big = payload(50_000);
    try (LoopbackServer server = sending(big); FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port())) {
      proxy.enqueue(ConnectionScript.cutAfter(Direction.TO_CLIENT, 1234));
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Socket s = connect(proxy)) {
          assertThat(readToEnd(s)).isEqualTo(Arrays.copyOf(big, 1234));
        }
        ProxyConnection c = proxy.connection(0);
        assertThat(c.awaitClosed(DEADLINE)).isTrue();
        assertThat(c.firedFault()).isEqualTo("cut");
        assertThat(c.bytesToClient()).isEqualTo(1234);
      });
    }
  }

  @Test
  void cutTowardsServerDeliversExactlyThatManyBytesToTheServer() throws Exception {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    CountDownLatch serverSawEnd = new CountDownLatch(1);
    try (LoopbackServer server = new LoopbackServer(s -> {
          s.getInputStream().transferTo(received);
          serverSawEnd.countDown();
        });
        FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port())) {
      proxy.enqueue(ConnectionScript.cutAfter(Direction.TO_SERVER, 100));
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Socket s = connect(proxy)) {
          Throwable t = catchThrowable(() -> {
            for (int i = 0; i < 100; i++) {
              s.getOutputStream().write(payload(1000));
            }
          });
          assertThat(t).satisfiesAnyOf(x -> assertThat(x).isNull(), x -> assertThat(x).isInstanceOf(IOException.class));
        }
        assertThat(serverSawEnd.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(received.toByteArray()).isEqualTo(Arrays.copyOf(payload(1000), 100));
        assertThat(proxy.connection(0).awaitClosed(DEADLINE)).isTrue();
      });
    }
  }

  @Test
  void cutAfterZeroBytesClosesBeforeTheGreeting() throws Exception {
    try (LoopbackServer server = echoServer(); FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port())) {
      proxy.enqueue(ConnectionScript.cutAfter(Direction.TO_CLIENT, 0));
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Socket s = connect(proxy)) {
          assertThat(readToEnd(s)).isEmpty();
        }
        assertThat(proxy.connection(0).firedFault()).isEqualTo("cut");
      });
    }
  }

  @Test
  void stallAcceptsButNeverAnswersAndNeverReachesTheServer() throws Exception {
    try (LoopbackServer server = echoServer(); FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port())) {
      proxy.enqueue(ConnectionScript.stall());
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Socket s = connect(proxy)) {
          s.setSoTimeout(300);
          s.getOutputStream().write("anyone?\r\n".getBytes(US_ASCII));
          assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(proxy.connection(0).awaitClosed(DEADLINE)).isTrue();
      });
      assertThat(server.accepted.get()).isZero();
      assertThat(proxy.connection(0).firedFault()).isEqualTo("stall");
    }
  }

  @Test
  void stallAfterForwardsTheGreetingThenGoesSilent() throws Exception {
    try (LoopbackServer server = echoServer(); FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port())) {
      proxy.enqueue(ConnectionScript.stallAfter(Direction.TO_CLIENT, 7));
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Socket s = connect(proxy)) {
          assertThat(readLine(s.getInputStream())).isEqualTo("HELLO\r\n");
          s.setSoTimeout(300);
          s.getOutputStream().write("ping\r\n".getBytes(US_ASCII));
          assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
          ProxyConnection c = proxy.connection(0);
          assertThat(c.bytesToServer()).isEqualTo(6);
          assertThat(c.bytesToClient()).isEqualTo(7);
          assertThat(c.firedFault()).isEqualTo("stall");
        }
      });
    }
  }

  @Test
  void idleTimeoutEndsAStallEvenWhenTheClientWaitsForever() throws Exception {
    try (LoopbackServer server = echoServer();
        FaultProxy proxy = FaultProxy.builder().target("127.0.0.1", server.port()).idleTimeout(Duration.ofMillis(200)).start()) {
      proxy.enqueue(ConnectionScript.stall());
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Socket s = connect(proxy)) {
          assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(proxy.connection(0).awaitClosed(DEADLINE)).isTrue();
      });
    }
  }

  @Test
  void refuseResetsTheConnectionBeforeAnyByte() throws Exception {
    try (LoopbackServer server = echoServer(); FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port())) {
      proxy.enqueue(ConnectionScript.refuse());
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Socket s = connect(proxy)) {
          Throwable t = catchThrowable(() -> assertThat(s.getInputStream().read()).isEqualTo(-1));
          assertThat(t).satisfiesAnyOf(x -> assertThat(x).isNull(), x -> assertThat(x).isInstanceOf(SocketException.class));
        }
      });
      assertThat(proxy.connection(0).firedFault()).isEqualTo("refuse");
      assertThat(server.accepted.get()).isZero();
    }
  }

  @Test
  void garbageReplacesTheServerThenCloses() throws Exception {
    byte[] garbage = ConnectionScript.randomGarbage(42, 300);
    try (LoopbackServer server = echoServer(); FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port())) {
      proxy.enqueue(ConnectionScript.garbage(garbage));
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Socket s = connect(proxy)) {
          assertThat(readToEnd(s)).isEqualTo(garbage);
        }
      });
      assertThat(proxy.connection(0).firedFault()).isEqualTo("garbage");
      assertThat(server.accepted.get()).isZero();
    }
  }

  @Test
  void injectPutsGarbageAfterTheGreetingAndKeepsForwarding() throws Exception {
    byte[] junk = "* \u00ff{bad\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    try (LoopbackServer server = echoServer(); FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port())) {
      proxy.enqueue(ConnectionScript.builder().injectToClient(7, junk).build());
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Socket s = connect(proxy)) {
          InputStream in = s.getInputStream();
          assertThat(readLine(in)).isEqualTo("HELLO\r\n");
          assertThat(in.readNBytes(junk.length)).isEqualTo(junk);
          s.getOutputStream().write("still here\r\n".getBytes(US_ASCII));
          assertThat(readLine(in)).isEqualTo("still here\r\n");
        }
      });
      assertThat(proxy.connection(0).firedFault()).isEqualTo("inject");
    }
  }

  @Test
  void latencyAndBandwidthDeliverEveryByteIntact() throws Exception {
    byte[] data = payload(20_000);
    try (LoopbackServer server = sending(data); FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port())) {
      proxy.defaultScript(ConnectionScript.builder()
          .latency(Direction.TO_CLIENT, Duration.ofMillis(5))
          .latency(Direction.TO_SERVER, Duration.ofMillis(5))
          .bandwidth(Direction.TO_CLIENT, 200_000)
          .build());
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Socket s = connect(proxy)) {
          assertThat(s.getInputStream().readNBytes(data.length)).isEqualTo(data);
        }
      });
      assertThat(proxy.connection(0).script().faultKinds()).containsExactly("latency", "bandwidth");
    }
  }

  @Test
  void queuedScriptsRunInOrderThenTheDefault() throws Exception {
    try (LoopbackServer server = echoServer(); FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port())) {
      ConnectionScript hello = ConnectionScript.cutAfter(Direction.TO_CLIENT, 7);
      proxy.enqueue(ConnectionScript.refuse(), hello);
      assertTimeoutPreemptively(DEADLINE, () -> {
        for (int i = 0; i < 3; i++) {
          try (Socket s = connect(proxy)) {
            catchThrowable(() -> readLine(s.getInputStream()));
          }
          assertThat(proxy.awaitConnections(i + 1, DEADLINE)).isTrue();
        }
      });
      assertThat(proxy.connections()).extracting(ProxyConnection::script)
          .containsExactly(ConnectionScript.refuse(), hello, ConnectionScript.passThrough());
    }
  }

  @Test
  void closeEndsEveryConnectionAndThread() throws Exception {
    try (LoopbackServer server = echoServer()) {
      FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", server.port());
      int port = proxy.port();
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Socket a = connect(proxy); Socket b = connect(proxy)) {
          assertThat(readLine(a.getInputStream())).isEqualTo("HELLO\r\n");
          assertThat(readLine(b.getInputStream())).isEqualTo("HELLO\r\n");
          assertThat(proxy.openConnections()).isEqualTo(2);
          proxy.close();
          proxy.close();
          assertThat(a.getInputStream().read()).isEqualTo(-1);
          assertThat(proxy.connections()).allSatisfy(c -> assertThat(c.awaitClosed(DEADLINE)).isTrue());
        }
        assertThat(proxy.openConnections()).isZero();
        assertThat(proxy.peakConnections()).isEqualTo(2);
        catchThrowable(() -> new Socket(InetAddress.getLoopbackAddress(), port).close());
        assertThat(proxy.connections()).as("nothing is accepted after close").hasSize(2);
        String prefix = "satchel-fault-proxy-" + port + "-";
        for (Thread t : Thread.getAllStackTraces().keySet()) {
          if (t.getName().startsWith(prefix)) {
            t.join(DEADLINE.toMillis());
          }
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith(prefix) && t.isAlive());
      });
    }
  }

  @Test
  void routePointsSettingsAtTheProxy() {
    try (FaultProxy proxy = FaultProxy.start(Protocol.IMAP, 1143)) {
      MailSettings settings = MailSettings.builder().server(Protocol.IMAP, "mail.example.com", 993, Security.TLS)
          .password("alice@example.com", "secret").build();
      MailSettings routed = proxy.route(settings);
      assertThat(routed.server().host()).isEqualTo("127.0.0.1");
      assertThat(routed.server().port()).isEqualTo(proxy.port());
      assertThat(routed.server().security()).isEqualTo(Security.TLS);
      assertThat(routed.credentials()).isEqualTo(settings.credentials());
    }
  }

  @Test
  void rawProxyRefusesToHideCapabilities() {
    try (FaultProxy proxy = FaultProxy.startRaw("127.0.0.1", 1143)) {
      assertThatThrownBy(() -> proxy.defaultScript(ConnectionScript.hiding("MOVE")))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("[MOVE]");
    }
  }

  @Test
  void scriptsValidateTheirArguments() {
    assertThatThrownBy(() -> ConnectionScript.cutAfter(Direction.TO_CLIENT, -1)).hasMessage("cutAfter bytes must be >= 0, was -1");
    assertThatThrownBy(() -> ConnectionScript.builder().bandwidth(Direction.TO_SERVER, 0))
        .hasMessage("bandwidth must be >= 1 byte per second, was 0");
    assertThatThrownBy(() -> ConnectionScript.latency(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConnectionScript.hiding("AUTH PLAIN")).hasMessageContaining("\"AUTH PLAIN\"");
    assertThatThrownBy(() -> FaultProxy.builder().target("127.0.0.1", 70000)).hasMessage("target port must be 1..65535, was 70000");
    assertThatThrownBy(() -> FaultProxy.builder().start()).isInstanceOf(IllegalStateException.class);
    assertThat(ConnectionScript.hiding("move").hiddenCapabilities()).containsExactly("MOVE");
    assertThat(ConnectionScript.randomGarbage(7, 64)).isEqualTo(ConnectionScript.randomGarbage(7, 64)).hasSize(64);
  }
}
