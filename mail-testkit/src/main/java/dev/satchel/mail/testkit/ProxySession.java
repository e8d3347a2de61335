package dev.satchel.mail.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running side of one proxied connection: two pump threads (client to server, server to
 * client) that apply the {@link ConnectionScript}. Closing is idempotent and closes both sockets.
 */
final class ProxySession {
  private static final Logger LOG = LoggerFactory.getLogger(ProxySession.class);
  private static final int BUFFER = 8192;

  /** Thrown inside a pump to end it after a cut. */
  private static final class CutException extends IOException {
    private static final long serialVersionUID = 1L;

    CutException() {
      super("cut by script");
    }
  }

  private final FaultProxy owner;
  private final ProxyConnection stats;
  private final ConnectionScript script;
  private final Socket client;
  private volatile @Nullable Socket server;
  private final ProtocolDialect dialect;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch closedLatch = new CountDownLatch(1);
  private volatile long lastActivity = System.nanoTime();
  /** After a cut: the surviving side is drained, nothing more is forwarded. */
  private volatile boolean draining;
  /** Threads still running for this connection; the stats say "closed" once none is left. */
  private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger(1);

  ProxySession(FaultProxy owner, ProxyConnection stats, Socket client) {
    this.owner = owner;
    this.stats = stats;
    this.script = stats.script();
    this.client = client;
    this.dialect = ProtocolDialect.of(owner.protocol(), script.hiddenCapabilities(), stats::command);
  }

  ProxyConnection stats() {
    return stats;
  }

  /** Runs the connection; called on a fresh daemon thread. */
  void run() {
    try {
      switch (script.mode()) {
        case REFUSE -> {
          stats.fired("refuse");
          client.setSoLinger(true, 0);
          close();
        }
        case STALL -> {
          stats.fired("stall");
          discard(client.getInputStream());
        }
        case GARBAGE -> {
          stats.fired("garbage");
          byte[] garbage = script.garbageBytes();
          client.getOutputStream().write(garbage);
          client.getOutputStream().flush();
          stats.addBytes(Direction.TO_CLIENT, garbage.length);
          client.shutdownOutput();
          discard(client.getInputStream());
        }
        case FORWARD -> forward();
      }
    } catch (IOException e) {
      LOG.debug("proxied connection {} ended: {}", stats.index(), e.toString());
    } finally {
      close();
      threadDone();
    }
  }

  /** Closes a session that never ran (the proxy closed while accepting it). */
  void abandon() {
    close();
    threadDone();
  }

  private void threadDone() {
    if (running.decrementAndGet() == 0) {
      stats.markClosed();
    }
  }

  private void forward() throws IOException {
    Socket upstream = new Socket();
    server = upstream;
    if (closed.get()) {
      upstream.close();
      return;
    }
    try {
      upstream.connect(new InetSocketAddress(owner.targetHost(), owner.targetPort()), Math.toIntExact(owner.connectTimeout().toMillis()));
    } catch (IOException e) {
      LOG.debug("proxied connection {}: cannot reach {}:{}: {}", stats.index(), owner.targetHost(), owner.targetPort(), e.toString());
      return;
    }
    upstream.setTcpNoDelay(true);
    client.setTcpNoDelay(true);
    Shaper toServer = new Shaper(Direction.TO_SERVER, upstream.getOutputStream());
    Shaper toClient = new Shaper(Direction.TO_CLIENT, client.getOutputStream());
    try {
      toClient.begin();
    } catch (CutException e) {
      drain(client); // cut before the first byte: no pump runs yet
      return;
    }
    try {
      toServer.begin();
    } catch (CutException e) {
      drain(upstream);
      return;
    }
    running.incrementAndGet();
    owner.newThread(() -> pumpClientToServer(toServer), stats.index() + "-up").start();
    InputStream in = upstream.getInputStream();
    byte[] buf = new byte[BUFFER];
    try {
      int n;
      while ((n = in.read(buf)) != -1) {
        touch();
        if (draining) {
          continue;
        }
        dialect.fromServer(buf, 0, n, toClient::forward);
      }
      if (!draining) {
        dialect.endOfServerStream(toClient::forward);
      }
    } catch (CutException e) {
      // the client-to-server pump drains the client until it closes, then closes the session
      awaitClosed();
    }
  }

  private void pumpClientToServer(Shaper toServer) {
    byte[] buf = new byte[BUFFER];
    boolean cut = false;
    try {
      InputStream in = client.getInputStream();
      int n;
      while ((n = in.read(buf)) != -1) {
        touch();
        if (draining) {
          continue;
        }
        dialect.fromClient(buf, 0, n);
        toServer.forward(buf, 0, n);
      }
    } catch (CutException e) {
      cut = true; // the server-to-client pump drains the server until it closes, then closes the session
    } catch (IOException | RuntimeException e) {
      LOG.debug("proxied connection {} (client side) ended: {}", stats.index(), e.toString());
    } finally {
      if (!cut) {
        close();
      }
      threadDone();
    }
  }

  /** Reads and drops everything until end of stream; the watchdog or close() ends it otherwise. */
  private void discard(InputStream in) throws IOException {
    byte[] buf = new byte[BUFFER];
    while (in.read(buf) != -1) {
      touch();
    }
  }

  /** After a cut: keep reading (and dropping) from the surviving side until it closes. */
  private void drain(Socket survivor) {
    try {
      discard(survivor.getInputStream());
    } catch (IOException e) {
      LOG.trace("drain ended: {}", e.toString());
    }
  }

  /**
   * Cuts after the bytes already written in {@code direction}: the receiving side gets an orderly end
   * of stream after them, the other side is closed.
   */
  private void cut(Direction direction) throws CutException {
    stats.fired("cut");
    draining = true;
    Socket s = server;
    Socket receiving = direction == Direction.TO_CLIENT ? client : s;
    Socket other = direction == Direction.TO_CLIENT ? s : client;
    try {
      if (receiving != null) {
        receiving.shutdownOutput();
      }
    } catch (IOException e) {
      LOG.trace("shutdownOutput failed: {}", e.toString());
    }
    closeQuietly(other);
    throw new CutException();
  }

  void touch() {
    lastActivity = System.nanoTime();
  }

  long idleNanos() {
    return System.nanoTime() - lastActivity;
  }

  boolean isClosed() {
    return closed.get();
  }

  /** Closes both sockets. Idempotent, never throws. */
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(client);
    closeQuietly(server);
    closedLatch.countDown();
    owner.closed(this);
  }

  private static void closeQuietly(@Nullable Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        LOG.trace("close failed: {}", e.toString());
      }
    }
  }

  private void awaitClosed() {
    try {
      closedLatch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits up to {@code d}, returning early when the session closes. */
  private void pause(Duration d) {
    try {
      closedLatch.await(d.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Applies the script's faults to one direction; used by one pump thread only. */
  private final class Shaper {
    private final Direction direction;
    private final OutputStream out;
    private final Duration latency;
    private final long bandwidth;
    private final long cutAt;
    private final long stallAt;
    private final long injectAt;
    private final byte[] injected;
    private long forwarded;
    private boolean stalled;
    private boolean injectedDone;
    private long paceStart;

    Shaper(Direction direction, OutputStream out) {
      this.direction = direction;
      this.out = out;
      this.latency = script.latency(direction);
      this.bandwidth = script.bandwidth(direction);
      this.cutAt = script.cutAfter(direction);
      this.stallAt = script.stallAfter(direction);
      boolean injects = direction == Direction.TO_CLIENT && script.injectAfter() >= 0;
      this.injectAt = injects ? script.injectAfter() : -1;
      this.injected = injects ? script.injected() : new byte[0];
      this.injectedDone = !injects;
    }

    /** Applies thresholds of 0 before any byte flows. */
    void begin() throws IOException {
      checkThresholds();
    }

    void forward(byte[] b, int off, int len) throws IOException {
      if (stalled || len == 0) {
        return;
      }
      if (!latency.isZero()) {
        pause(latency);
      }
      while (len > 0 && !stalled) {
        long room = len;
        if (!injectedDone) {
          room = Math.min(room, injectAt - forwarded);
        }
        if (stallAt >= 0) {
          room = Math.min(room, stallAt - forwarded);
        }
        if (cutAt >= 0) {
          room = Math.min(room, cutAt - forwarded);
        }
        if (bandwidth > 0) {
          room = Math.min(room, Math.max(1, Math.min(BUFFER, bandwidth / 10)));
        }
        int n = (int) room;
        if (n > 0) {
          write(b, off, n);
          off += n;
          len -= n;
        }
        checkThresholds();
      }
    }

    private void checkThresholds() throws IOException {
      if (!injectedDone && forwarded >= injectAt) {
        injectedDone = true;
        stats.fired("inject");
        write(injected, 0, injected.length);
      }
      if (cutAt >= 0 && forwarded >= cutAt) {
        out.flush();
        cut(direction);
      }
      if (stallAt >= 0 && forwarded >= stallAt && !stalled) {
        stalled = true;
        stats.fired("stall");
      }
    }

    private void write(byte[] b, int off, int n) throws IOException {
      if (bandwidth > 0 && paceStart == 0) {
        paceStart = System.nanoTime();
      }
      out.write(b, off, n);
      out.flush();
      forwarded += n;
      stats.addBytes(direction, n);
      touch();
      if (bandwidth > 0) {
        long due = paceStart + (long) (forwarded * 1e9 / bandwidth);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          pause(Duration.ofNanos(wait));
        }
      }
    }
  }
}
