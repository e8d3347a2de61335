package dev.satchel.mail.testkit;

import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on 127.0.0.1 in front of a mail server that injects faults per connection: latency,
 * bandwidth caps, a cut after N bytes in either direction, a stall, a refusal, garbage in place of or
 * in the middle of the server's answers — and hides server capabilities (IMAP {@code CAPABILITY},
 * POP3 {@code CAPA}, SMTP {@code EHLO}) so that fallback paths can be tested. It counts bytes and
 * client commands per connection and in total.
 *
 * <pre>{@code
 * try (TestMailServer server = TestMailServer.start();
 *      FaultProxy proxy = FaultProxy.start(Protocol.IMAP, server.port(Protocol.IMAP, Security.NONE))) {
 *   TestUser alice = server.createUser("alice@example.com", "secret");
 *   MailSettings settings = proxy.route(server.settings(alice, Protocol.IMAP));
 *   proxy.defaultScript(ConnectionScript.hiding("MOVE"));                 // every connection: no MOVE
 *   proxy.enqueue(ConnectionScript.cutAfter(Direction.TO_CLIENT, 4_000)); // but the next one is cut
 *   assertThatThrownBy(() -> fetchEverything(settings)).isInstanceOf(MailConnectionException.class);
 *   fetchEverything(settings);                                            // a new connection works
 *   assertThat(proxy.connection(1).commandNames()).doesNotContain("UID MOVE");
 * }
 * }</pre>
 *
 * <p>Which script a connection runs: the next one {@linkplain #enqueue queued}, else the
 * {@linkplain #defaultScript default} (pass-through unless set). Scripts take effect for connections
 * accepted after the call.
 *
 * <p><b>Plaintext only, for understanding the protocol.</b> Capability masking and command counting
 * need the proxy to know the protocol ({@link #start(Protocol, int)}) and to see plaintext: in front of
 * an implicit-TLS port, or after STARTTLS/STLS or IMAP COMPRESS succeeded, bytes are forwarded (and
 * faults applied) but not understood. Satchel's IMAP client compresses when the server offers
 * COMPRESS=DEFLATE (Dovecot does with its imap_zlib plugin) and {@code MailboxOptions.compression()}
 * asks for it ({@code AUTO}, the default, skips loopback, so the proxy's own address); to keep counting
 * commands under {@code Compression.ON}, hide it: {@code ConnectionScript.hiding("COMPRESS=DEFLATE")}.
 * Byte counts, cuts and stalls work on any TCP stream.
 *
 * <p>Finite everywhere: connecting upstream times out after {@link Builder#connectTimeout} (default 5
 * s), and a connection idle in both directions for {@link Builder#idleTimeout} (default 60 s) is
 * closed, so a stalled connection ends even when its client never gives up. All threads are daemon
 * threads, and {@link #close()} closes the listener and every connection.
 *
 * <p>Thread-safe.
 */
public final class FaultProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);

  private final @Nullable Protocol protocol;
  private final String targetHost;
  private final int targetPort;
  private final Duration connectTimeout;
  private final Duration idleTimeout;
  private final ServerSocket listener;
  private final Queue<ConnectionScript> queued = new ConcurrentLinkedQueue<>();
  private volatile ConnectionScript defaultScript;
  private final List<ProxyConnection> connections = Collections.synchronizedList(new ArrayList<>());
  private final Set<ProxySession> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicInteger threadCount = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ScheduledExecutorService watchdog;
  private final Object acceptedLock = new Object();

  private FaultProxy(Builder b) throws IOException {
    this.protocol = b.protocol;
    this.targetHost = b.targetHost;
    this.targetPort = b.targetPort;
    this.connectTimeout = b.connectTimeout;
    this.idleTimeout = b.idleTimeout;
    this.defaultScript = checkScript(b.defaultScript);
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "watchdog"));
    long period = Math.max(10, Math.min(1000, idleTimeout.toMillis() / 4));
    watchdog.scheduleWithFixedDelay(this::closeIdle, period, period, TimeUnit.MILLISECONDS);
    newThread(this::acceptLoop, "accept").start();
  }

  /**
   * Starts a proxy for {@code protocol} in front of {@code 127.0.0.1:port}.
   *
   * @throws IllegalArgumentException when the port is not 1..65535
   * @throws UncheckedIOException when no loopback port can be bound
   */
  public static FaultProxy start(Protocol protocol, int port) {
    return builder().target(InetAddress.getLoopbackAddress().getHostAddress(), port).protocol(protocol).start();
  }

  /**
   * Starts a protocol-unaware proxy in front of {@code host:port}: faults and byte counts work,
   * commands are counted as lines, capabilities cannot be hidden.
   *
   * @throws IllegalArgumentException when the port is not 1..65535
   * @throws UncheckedIOException when no loopback port can be bound
   */
  public static FaultProxy startRaw(String host, int port) {
    return builder().target(host, port).start();
  }

  /** A builder for a proxy with non-default timeouts or script. */
  public static Builder builder() {
    return new Builder();
  }

  /** The proxy's host, always {@code 127.0.0.1} (or the JVM's loopback address). */
  public String host() {
    return listener.getInetAddress().getHostAddress();
  }

  /** The proxy's port, chosen by the operating system. */
  public int port() {
    return listener.getLocalPort();
  }

  /** The protocol the proxy understands, when it was given one. */
  public @Nullable Protocol protocol() {
    return protocol;
  }

  /**
   * The same settings, pointed at this proxy: host and port replaced, protocol, security,
   * credentials, timeouts and TLS options kept. With {@code Security.TLS}, TLS host-name checks see
   * the proxy's host, {@code 127.0.0.1}.
   */
  public MailSettings route(MailSettings settings) {
    Server s = settings.server();
    return settings.toBuilder().server(new Server(s.protocol(), host(), port(), s.security())).build();
  }

  /**
   * Sets the script for every connection not covered by {@link #enqueue}. Default: pass-through.
   *
   * @throws IllegalStateException when the script hides capabilities but the proxy has no protocol
   */
  public FaultProxy defaultScript(ConnectionScript script) {
    this.defaultScript = checkScript(script);
    return this;
  }

  /**
   * Queues scripts for the next connections, one each, in order.
   *
   * @throws IllegalStateException when a script hides capabilities but the proxy has no protocol
   */
  public FaultProxy enqueue(ConnectionScript... scripts) {
    for (ConnectionScript s : scripts) {
      checkScript(s);
    }
    queued.addAll(List.of(scripts));
    return this;
  }

  /** Every connection accepted so far, in order. */
  public List<ProxyConnection> connections() {
    synchronized (connections) {
      return List.copyOf(connections);
    }
  }

  /**
   * The connection accepted {@code index}-th, from 0.
   *
   * @throws IndexOutOfBoundsException when fewer connections were accepted
   */
  public ProxyConnection connection(int index) {
    synchronized (connections) {
      if (index < 0 || index >= connections.size()) {
        throw new IndexOutOfBoundsException("connection index must be 0.." + (connections.size() - 1) + ", was " + index);
      }
      return connections.get(index);
    }
  }

  /**
   * Waits until at least {@code count} connections were accepted.
   *
   * @return true when they were within {@code timeout}
   * @throws IllegalStateException when interrupted (the interrupt flag is kept)
   */
  public boolean awaitConnections(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (acceptedLock) {
      while (connections.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(acceptedLock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for " + count + " connections", e);
        }
      }
      return true;
    }
  }

  /** Connections open right now. */
  public int openConnections() {
    return open.size();
  }

  /** The most connections that were open at the same time. */
  public int peakConnections() {
    return peak.get();
  }

  /** Bytes written to the server over every connection. */
  public long bytesToServer() {
    return connections().stream().mapToLong(ProxyConnection::bytesToServer).sum();
  }

  /** Bytes written to clients over every connection. */
  public long bytesToClient() {
    return connections().stream().mapToLong(ProxyConnection::bytesToClient).sum();
  }

  /** Client command lines over every connection. */
  public long commands() {
    return connections().stream().mapToLong(ProxyConnection::commands).sum();
  }

  /** Recognised command verbs over every connection, connection by connection. */
  public List<String> commandNames() {
    return connections().stream().flatMap(c -> c.commandNames().stream()).toList();
  }

  /** Closes the listener and every connection; stops all threads. Idempotent, never throws. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      listener.close();
    } catch (IOException e) {
      LOG.trace("listener close failed: {}", e.toString());
    }
    for (ProxySession s : List.copyOf(open)) {
      s.close();
    }
    watchdog.shutdownNow();
  }

  @Override
  public String toString() {
    return "FaultProxy[127.0.0.1:" + port() + " -> " + targetHost + ":" + targetPort + (protocol != null ? " " + protocol : "")
        + ", connections=" + connections.size() + ", open=" + open.size() + "]";
  }

  String targetHost() {
    return targetHost;
  }

  int targetPort() {
    return targetPort;
  }

  Duration connectTimeout() {
    return connectTimeout;
  }

  Thread newThread(Runnable r, String name) {
    return daemon(r, name);
  }

  void closed(ProxySession session) {
    open.remove(session);
  }

  private Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, "satchel-fault-proxy-" + listener.getLocalPort() + "-" + name + "-" + threadCount.incrementAndGet());
    t.setDaemon(true);
    return t;
  }

  private void acceptLoop() {
    while (!closed.get()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (!closed.get()) {
          LOG.debug("fault proxy on port {} stopped accepting: {}", port(), e.toString());
        }
        return;
      }
      ConnectionScript script = queued.poll();
      ProxyConnection stats;
      synchronized (acceptedLock) {
        stats = new ProxyConnection(connections.size(), script != null ? script : defaultScript);
        connections.add(stats);
        acceptedLock.notifyAll();
      }
      record(stats.script());
      ProxySession session = new ProxySession(this, stats, client);
      open.add(session);
      ReliabilityReport.recordConcurrentSessions(peak.accumulateAndGet(open.size(), Math::max));
      if (closed.get()) {
        session.abandon();
        return;
      }
      newThread(session::run, stats.index() + "-down").start();
    }
  }

  private static void record(ConnectionScript script) {
    for (String kind : script.faultKinds()) {
      ReliabilityReport.recordFault(kind);
    }
    if (script.mode() == ConnectionScript.Mode.GARBAGE) {
      ReliabilityReport.recordBadInput("garbage instead of server");
    }
    if (script.injectAfter() >= 0) {
      ReliabilityReport.recordBadInput("garbage injected mid-session");
    }
  }

  private void closeIdle() {
    long limit = idleTimeout.toNanos();
    for (ProxySession s : open) {
      if (s.idleNanos() > limit) {
        LOG.debug("closing proxied connection {} after {} idle", s.stats().index(), idleTimeout);
        s.close();
      }
    }
  }

  private ConnectionScript checkScript(ConnectionScript script) {
    Objects.requireNonNull(script, "script");
    if (protocol == null && !script.hiddenCapabilities().isEmpty()) {
      throw new IllegalStateException("this proxy does not know the protocol, so it cannot hide " + script.hiddenCapabilities()
          + "; start it with FaultProxy.start(Protocol, port)");
    }
    return script;
  }

  /** Builds a {@link FaultProxy}. Not thread-safe. */
  public static final class Builder {
    private @Nullable Protocol protocol;
    private String targetHost = "";
    private int targetPort;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private ConnectionScript defaultScript = ConnectionScript.passThrough();

    private Builder() {}

    /**
     * The server to forward to. Required.
     *
     * @throws IllegalArgumentException when the host is blank or the port not 1..65535
     */
    public Builder target(String host, int port) {
      if (host.isBlank()) {
        throw new IllegalArgumentException("target host must not be blank");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("target port must be 1..65535, was " + port);
      }
      this.targetHost = host;
      this.targetPort = port;
      return this;
    }

    /** The protocol spoken, for command counting and capability masking. Default: none (raw TCP). */
    public Builder protocol(Protocol protocol) {
      this.protocol = Objects.requireNonNull(protocol, "protocol");
      return this;
    }

    /**
     * How long connecting to the server may take. Default: 5 seconds.
     *
     * @throws IllegalArgumentException unless positive and at most {@code Integer.MAX_VALUE} milliseconds
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * After how long without a byte in either direction a connection is closed. Default: 60 seconds.
     *
     * @throws IllegalArgumentException unless positive and at most {@code Integer.MAX_VALUE} milliseconds
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive("idleTimeout", timeout);
      return this;
    }

    /** The script for connections not covered by {@link FaultProxy#enqueue}. Default: pass-through. */
    public Builder defaultScript(ConnectionScript script) {
      this.defaultScript = Objects.requireNonNull(script, "script");
      return this;
    }

    /**
     * Binds a loopback port and starts accepting.
     *
     * @throws IllegalStateException when no target was set, or the default script hides capabilities without a protocol
     * @throws UncheckedIOException when no loopback port can be bound
     */
    public FaultProxy start() {
      if (targetPort == 0) {
        throw new IllegalStateException("target(host, port) is required");
      }
      try {
        return new FaultProxy(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot bind a loopback port for the fault proxy", e);
      }
    }

    private static Duration positive(String what, Duration d) {
      if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(what + " must be positive and at most " + Integer.MAX_VALUE + " ms, was " + d);
      }
      return d;
    }
  }
}
