package dev.satchel.mail.internal.wire;

import dev.satchel.mail.Security;
import dev.satchel.mail.Server;
import dev.satchel.mail.TlsOptions;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * One connection to a mail server: a socket, TLS on exactly the configured trust (implicit, or
 * STARTTLS after the protocol's own exchange), and streams whose every wait is bounded twice, by its
 * own timeout and by the {@link Deadline} of the operation in progress.
 *
 * <ul>
 *   <li>Connect: {@code connectTimeout}; TLS handshakes: {@code readTimeout}; both within the deadline.
 *   <li>Reads: {@code readTimeout} per wait, shortened to the deadline; a passed deadline closes the
 *       connection with a {@link DeadlineExceededException}.
 *   <li>Writes: {@code writeTimeout} per write, shortened to the deadline, enforced by one JVM-wide
 *       watchdog thread (no thread per connection) that closes a connection whose server stopped
 *       reading.
 *   <li>TLS: the server's certificate is checked against {@link TlsOptions#sslContext()} only, and
 *       its host name is verified (the HTTPS rules of RFC 2818, which RFC 6125 applies to mail). A
 *       refused handshake fails the connection; nothing is ever retried with another trust.
 *   <li>{@link #compress()}: raw DEFLATE both ways (RFC 4978), on {@code java.util.zip}.
 * </ul>
 *
 * <p>Not thread-safe: one protocol engine drives it. {@link #close()} may be called from any thread
 * to cut the connection.
 */
public final class WireConnection implements Closeable {
  private final Server server;
  private final TlsOptions tls;
  private final Duration readTimeout;
  private final Duration writeTimeout;
  private Socket socket;
  private Deadline deadline;
  private InputStream in;
  private OutputStream out;
  private int soTimeout = -1;
  /** When positive, the next read waits at most this long and a timeout is not fatal ({@link #pollNextRead}). */
  private int pollMillis;
  private boolean compressed;
  private volatile boolean closed;

  private WireConnection(Server server, TlsOptions tls, Duration readTimeout, Duration writeTimeout, Socket socket,
      Deadline deadline) throws IOException {
    this.server = server;
    this.tls = tls;
    this.readTimeout = readTimeout;
    this.writeTimeout = writeTimeout;
    this.socket = socket;
    this.deadline = deadline;
    this.in = new TimedInput();
    this.out = new BufferedOutputStream(new TimedOutput(), 16 * 1024);
  }

  /**
   * Connects to the server of {@code settings} with its TLS options and timeouts, within a deadline of
   * {@code operationTimeout}: the first step of every protocol session.
   *
   * @throws dev.satchel.mail.MailConnectionException when the connection or the TLS handshake fails,
   *     times out or passes the deadline (translated by {@code MailExceptions.translateConnect})
   */
  public static WireConnection connect(dev.satchel.mail.MailSettings settings, Duration operationTimeout) {
    long started = dev.satchel.mail.internal.Events.start(settings);
    try {
      WireConnection c = open(settings.server(), settings.tls(), settings.connectTimeout(), settings.readTimeout(),
          settings.writeTimeout(), Deadline.in(operationTimeout));
      dev.satchel.mail.internal.Events.connected(settings, started);
      return c;
    } catch (IOException e) {
      dev.satchel.mail.internal.Events.connectFailed(settings, started, e);
      throw dev.satchel.mail.internal.MailExceptions.translateConnect(settings.server(), e);
    } catch (RuntimeException e) {
      dev.satchel.mail.internal.Events.connectFailed(settings, started, e);
      throw e;
    }
  }

  /**
   * Connects to {@code server}; for {@link Security#TLS} also completes the TLS handshake. STARTTLS
   * is the protocol engine's to ask for; then it calls {@link #startTls()}.
   *
   * @throws IOException when the connection or handshake fails, times out or passes the deadline;
   *     the socket is closed
   */
  public static WireConnection open(Server server, TlsOptions tls, Duration connectTimeout, Duration readTimeout,
      Duration writeTimeout, Deadline deadline) throws IOException {
    Socket plain = new Socket();
    try {
      plain.setTcpNoDelay(true);
      int connectMillis = deadline.soTimeoutMillis(connectTimeout);
      plain.connect(new InetSocketAddress(server.host(), server.port()), connectMillis);
      if (deadline.expired()) {
        throw new DeadlineExceededException(deadline);
      }
      Socket s = server.security() == Security.TLS ? handshake(plain, server, tls, readTimeout, deadline) : plain;
      return new WireConnection(server, tls, readTimeout, writeTimeout, s, deadline);
    } catch (IOException | RuntimeException e) {
      closeQuietly(plain);
      throw e;
    }
  }

  private static SSLSocket handshake(Socket plain, Server server, TlsOptions tls, Duration readTimeout, Deadline deadline)
      throws IOException {
    SSLSocketFactory factory = tls.sslContext().getSocketFactory();
    SSLSocket ssl = (SSLSocket) factory.createSocket(plain, server.host(), server.port(), true);
    SSLParameters params = ssl.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    ssl.setSSLParameters(params);
    ssl.setSoTimeout(deadline.soTimeoutMillis(readTimeout));
    try {
      ssl.startHandshake();
    } catch (SocketTimeoutException e) {
      if (deadline.expired()) {
        throw new DeadlineExceededException(deadline);
      }
      throw e;
    }
    return ssl;
  }

  /**
   * Upgrades this plaintext connection to TLS, after the server agreed to STARTTLS/STLS. The caller
   * must have checked that the server sent nothing after its agreement (bytes buffered before the
   * handshake would be plaintext injected into the protected session).
   *
   * @throws IllegalStateException when the connection is already TLS or compressed
   * @throws IOException when the handshake fails; the connection is closed
   */
  public void startTls() throws IOException {
    if (socket instanceof SSLSocket || compressed) {
      throw new IllegalStateException("STARTTLS on a connection that is already " + (compressed ? "compressed" : "TLS"));
    }
    out.flush();
    try {
      socket = handshake(socket, server, tls, readTimeout, deadline);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    soTimeout = -1;
    in = new TimedInput();
    out = new BufferedOutputStream(new TimedOutput(), 16 * 1024);
  }

  /** Switches both directions to raw DEFLATE (RFC 4978), after the server agreed to COMPRESS. */
  public void compress() throws IOException {
    if (compressed) {
      throw new IllegalStateException("the connection is already compressed");
    }
    out.flush();
    compressed = true;
    in = new InflaterInputStream(new TimedInput(), new Inflater(true), 16 * 1024);
    out = new BufferedOutputStream(new DeflaterOutputStream(new TimedOutput(), new Deflater(Deflater.DEFAULT_COMPRESSION, true),
        16 * 1024, true), 16 * 1024);
  }

  /** Bounds every following wait by {@code deadline} (the operation that starts now). */
  public void deadline(Deadline deadline) {
    this.deadline = deadline;
  }

  /** The deadline in force. */
  public Deadline deadline() {
    return deadline;
  }

  /**
   * Makes the next read wait at most {@code millis} for the server, and report a timeout as a
   * {@link PollTimeoutException} without closing the connection: a glance at whether the server has
   * said something (or closed) while the client was writing. Reads after it are bounded as usual.
   */
  public void pollNextRead(int millis) {
    if (millis < 1) {
      throw new IllegalArgumentException("millis must be positive, was " + millis);
    }
    this.pollMillis = millis;
  }

  /** The server said nothing within a {@link #pollNextRead} glance; the connection is still open. */
  public static final class PollTimeoutException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    PollTimeoutException(int millis) {
      super("nothing from the server within " + millis + " ms");
    }
  }

  /** The stream from the server (decompressed when {@link #compress()} was called); not buffered. */
  public InputStream input() {
    return in;
  }

  /** The buffered stream to the server; {@code flush()} sends. */
  public OutputStream output() {
    return out;
  }

  /** True when the connection is protected by TLS. */
  public boolean secure() {
    return socket instanceof SSLSocket;
  }

  /** True after {@link #compress()}. */
  public boolean compressed() {
    return compressed;
  }

  /** The TLS session, or null on a plaintext connection. */
  public @Nullable SSLSession tlsSession() {
    return socket instanceof SSLSocket s ? s.getSession() : null;
  }

  /** The server this connection goes to. */
  public Server server() {
    return server;
  }

  /** True once closed (by {@link #close()}, a timeout, a passed deadline or the watchdog). */
  public boolean isClosed() {
    return closed || socket.isClosed();
  }

  /** Closes the socket at once, without waiting for the server. Idempotent; any thread. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  /** Socket input with the read timeout and the deadline applied to every wait. */
  private final class TimedInput extends InputStream {
    private final InputStream raw;

    TimedInput() throws IOException {
      this.raw = socket.getInputStream();
    }

    private void arm() throws IOException {
      if (deadline.expired()) {
        WireConnection.this.close();
        throw new DeadlineExceededException(deadline);
      }
      int t = deadline.soTimeoutMillis(readTimeout);
      if (pollMillis > 0) {
        t = Math.min(t, pollMillis);
      }
      if (t != soTimeout) {
        socket.setSoTimeout(t);
        soTimeout = t;
      }
    }

    private IOException timedOut(SocketTimeoutException e) {
      if (pollMillis > 0 && !deadline.expired()) {
        int waited = pollMillis;
        pollMillis = 0;
        return new PollTimeoutException(waited);
      }
      WireConnection.this.close();
      if (deadline.expired()) {
        DeadlineExceededException d = new DeadlineExceededException(deadline);
        d.initCause(e);
        return d;
      }
      SocketTimeoutException t = new SocketTimeoutException("no answer from " + server + " within the read timeout of "
          + readTimeout.toMillis() + " ms; the connection was closed");
      t.initCause(e);
      return t;
    }

    @Override
    public int read() throws IOException {
      arm();
      try {
        return raw.read();
      } catch (SocketTimeoutException e) {
        throw timedOut(e);
      } finally {
        pollMillis = 0;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      arm();
      try {
        return raw.read(b, off, len);
      } catch (SocketTimeoutException e) {
        throw timedOut(e);
      } finally {
        pollMillis = 0;
      }
    }

    @Override
    public int available() throws IOException {
      return raw.available();
    }
  }

  /** Socket output whose every write is bounded by the write timeout and the deadline. */
  private final class TimedOutput extends FilterOutputStream {
    TimedOutput() throws IOException {
      super(socket.getOutputStream());
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (deadline.expired()) {
        WireConnection.this.close();
        throw new DeadlineExceededException(deadline);
      }
      WriteWatchdog.Watch watch = WriteWatchdog.watch(WireConnection.this, deadline.soTimeoutMillis(writeTimeout));
      try {
        this.out.write(b, off, len);
      } catch (SocketException e) {
        if (watch.cancel()) {
          throw writeTimedOut(e);
        }
        throw e;
      }
      if (watch.cancel()) {
        throw writeTimedOut(null);
      }
    }

    private IOException writeTimedOut(@Nullable Exception cause) {
      IOException e = deadline.expired() ? new DeadlineExceededException(deadline)
          : new SocketTimeoutException(server + " did not take what was written within the write timeout of "
              + writeTimeout.toMillis() + " ms (it stopped reading); the connection was closed");
      if (cause != null) {
        e.initCause(cause);
      }
      return e;
    }

    @Override
    public void close() {
      WireConnection.this.close();
    }
  }
}
