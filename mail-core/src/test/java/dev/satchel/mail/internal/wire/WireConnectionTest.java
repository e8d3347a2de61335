package dev.satchel.mail.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Server;
import dev.satchel.mail.TlsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WireConnectionTest {
  private static final Duration SECOND = Duration.ofSeconds(1);
  private static LoopbackTls tls;
  /** Released when a test ends, so that a server thread holding a connection open stops then. */
  private final CountDownLatch finished = new CountDownLatch(1);

  @AfterEach
  void release() {
    finished.countDown();
  }

  @BeforeAll
  static void certificate(@TempDir Path dir) throws Exception {
    tls = LoopbackTls.create(dir, "ip:127.0.0.1");
  }

  interface Handler {
    void serve(Socket s) throws IOException, InterruptedException;
  }

  /** A loopback server running {@code handler} for each connection, counting them. */
  static final class Server1 implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger accepted = new AtomicInteger();

    Server1(ServerSocket socket, Handler handler) {
      this.socket = socket;
      Thread t = new Thread(() -> {
        while (!socket.isClosed()) {
          try (Socket s = socket.accept()) {
            accepted.incrementAndGet();
            handler.serve(s);
          } catch (IOException | InterruptedException e) {
            // next connection, or closed
          }
        }
      }, "wire-test-server");
      t.setDaemon(true);
      t.start();
    }

    static Server1 plain(Handler handler) throws IOException {
      return new Server1(new ServerSocket(0, 5, InetAddress.getLoopbackAddress()), handler);
    }

    static Server1 tls(Handler handler) throws IOException {
      SSLServerSocket ss = (SSLServerSocket) tls.serverContext.getServerSocketFactory()
          .createServerSocket(0, 5, InetAddress.getLoopbackAddress());
      return new Server1(ss, handler);
    }

    Server server(Security security) {
      return new Server(Protocol.IMAP, "127.0.0.1", socket.getLocalPort(), security);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static WireConnection open(Server server, TlsOptions trust, Duration read, Duration write, Deadline deadline)
      throws IOException {
    return WireConnection.open(server, trust, SECOND, read, write, deadline);
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      sb.append((char) c);
    }
    return sb.toString().strip();
  }

  @Test
  void aTricklingServerCannotHoldAReadPastTheDeadline() throws Exception {
    try (Server1 server = Server1.plain(s -> {
      OutputStream out = s.getOutputStream();
      for (int i = 0; i < 1000; i++) { // one byte every 100 ms, never a line end
        out.write('x');
        out.flush();
        if (finished.await(100, TimeUnit.MILLISECONDS)) { // the attack's pace; ends with the test
          return;
        }
      }
    })) {
      long start = System.nanoTime();
      try (WireConnection c = open(server.server(Security.NONE), TlsOptions.systemDefault(), Duration.ofSeconds(5), SECOND,
          Deadline.in(Duration.ofMillis(800)))) {
        assertThatThrownBy(() -> readLine(c.input())).isInstanceOf(DeadlineExceededException.class)
            .hasMessageContaining("deadline of 800 ms");
        assertThat(c.isClosed()).isTrue();
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void aSilentServerFailsTheReadAfterTheReadTimeout() throws Exception {
    try (Server1 server = Server1.plain(s -> s.getInputStream().read())) {
      try (WireConnection c = open(server.server(Security.NONE), TlsOptions.systemDefault(), Duration.ofMillis(300), SECOND,
          Deadline.in(Duration.ofMinutes(1)))) {
        assertThatThrownBy(() -> c.input().read()).isInstanceOf(SocketTimeoutException.class)
            .isNotInstanceOf(DeadlineExceededException.class).hasMessageContaining("read timeout of 300 ms");
      }
    }
  }

  @Test
  void aServerThatStopsReadingFailsTheWriteAfterTheWriteTimeout() throws Exception {
    try (Server1 server = Server1.plain(s -> finished.await(30, TimeUnit.SECONDS))) { // never reads
      try (WireConnection c = open(server.server(Security.NONE), TlsOptions.systemDefault(), SECOND, Duration.ofMillis(500),
          Deadline.in(Duration.ofMinutes(1)))) {
        byte[] chunk = new byte[1 << 20];
        assertThatThrownBy(() -> {
          for (int i = 0; i < 512; i++) { // far more than any socket buffer holds
            c.output().write(chunk);
          }
          c.output().flush();
        }).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("write timeout of 500 ms");
        assertThat(c.isClosed()).isTrue();
      }
    }
  }

  @Test
  void implicitTlsTrustsOnlyTheConfiguredCertificateOnOneConnection(@TempDir Path dir) throws Exception {
    LoopbackTls other = LoopbackTls.create(dir, "ip:127.0.0.1");
    try (Server1 server = Server1.tls(s -> {
      s.getOutputStream().write("* OK hello\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
    })) {
      try (WireConnection c = open(server.server(Security.TLS), tls.trust, SECOND, SECOND, Deadline.in(Duration.ofSeconds(10)))) {
        assertThat(c.secure()).isTrue();
        assertThat(readLine(c.input())).isEqualTo("* OK hello");
      }
      assertThatThrownBy(() -> open(server.server(Security.TLS), other.trust, SECOND, SECOND, Deadline.in(Duration.ofSeconds(10))))
          .isInstanceOf(SSLHandshakeException.class);
      assertThat(server.accepted.get()).isEqualTo(2); // one good, one refused: no second try
    }
  }

  @Test
  void theHostNameIsVerified() throws Exception {
    // The certificate names 127.0.0.1 only; connecting by "localhost" must fail.
    try (Server1 server = Server1.tls(s -> s.getInputStream().read())) {
      Server byName = new Server(Protocol.IMAP, "localhost", server.socket.getLocalPort(), Security.TLS);
      assertThatThrownBy(() -> open(byName, tls.trust, SECOND, SECOND, Deadline.in(Duration.ofSeconds(10))))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void startTlsUpgradesAPlainConnection() throws Exception {
    try (Server1 server = Server1.plain(s -> {
      OutputStream out = s.getOutputStream();
      out.write("* OK plain\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      SSLSocket ssl = (SSLSocket) tls.serverContext.getSocketFactory().createSocket(s, null, s.getPort(), true);
      ssl.setUseClientMode(false);
      ssl.getOutputStream().write("* OK secret\r\n".getBytes(StandardCharsets.US_ASCII));
      ssl.getOutputStream().flush();
      ssl.getInputStream().read();
    })) {
      try (WireConnection c = open(server.server(Security.STARTTLS), tls.trust, SECOND, SECOND, Deadline.in(Duration.ofSeconds(10)))) {
        assertThat(readLine(c.input())).isEqualTo("* OK plain");
        assertThat(c.secure()).isFalse();
        c.startTls();
        assertThat(c.secure()).isTrue();
        assertThat(readLine(c.input())).isEqualTo("* OK secret");
      }
    }
  }

  @Test
  void compressionDeflatesBothWays() throws Exception {
    try (Server1 server = Server1.plain(s -> {
      InflaterInputStream in = new InflaterInputStream(s.getInputStream(), new Inflater(true));
      DeflaterOutputStream out = new DeflaterOutputStream(s.getOutputStream(), new Deflater(Deflater.DEFAULT_COMPRESSION, true), true);
      String line = readLine(in);
      out.write(("echo " + line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    })) {
      try (WireConnection c = open(server.server(Security.NONE), TlsOptions.systemDefault(), SECOND, SECOND,
          Deadline.in(Duration.ofSeconds(10)))) {
        c.compress();
        c.output().write("a1 NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
        c.output().flush();
        assertThat(readLine(c.input())).isEqualTo("echo a1 NOOP");
      }
    }
  }
}
