package dev.satchel.mail.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running side of one proxied connection: two pump threads (client to server, server to
 * client) that apply the {@link ConnectionScript}, and for a direction with latency a
 * {@link DelayLine} thread that writes the bytes when they are due. Closing is idempotent and closes
 * both sockets.
 */
final class ProxySession {
  private static final Logger LOG = LoggerFactory.getLogger(ProxySession.class);
  private static final int BUFFER = 8192;
  /** The most bytes held in one direction's delay line; beyond it the pump stops reading. */
  private static final long MAX_IN_FLIGHT = 8L * 1024 * 1024;

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
  /** The direction of the cut, once one fired: the pump reading the other side waits for the survivor. */
  private volatile @Nullable Direction cutDirection;
  private final List<DelayLine> lines = new CopyOnWriteArrayList<>();
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
    toServer.startLine();
    toClient.startLine();
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
        toClient.finish();
      }
    } catch (IOException e) {
      if (cutDirection != Direction.TO_CLIENT) {
        throw e;
      }
      // the client-to-server pump drains the client until it closes, then closes the session
      awaitClosed();
    }
  }

  private void pumpClientToServer(Shaper toServer) {
    byte[] buf = new byte[BUFFER];
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
      if (!draining) {
        toServer.finish();
      }
    } catch (IOException | RuntimeException e) {
      if (cutDirection != Direction.TO_SERVER) {
        LOG.debug("proxied connection {} (client side) ended: {}", stats.index(), e.toString());
      }
    } finally {
      // after a cut towards the server, the server-to-client pump drains the server until it closes,
      // then closes the session
      if (cutDirection != Direction.TO_SERVER) {
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
    cutDirection = direction;
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
    for (DelayLine line : lines) {
      line.stop();
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

  /**
   * Applies the script's faults to one direction: the bandwidth cap (a {@link TokenBucket}) on the
   * pump thread as bytes are read, then the latency (a {@link DelayLine}), then the byte thresholds
   * (inject, stall, cut) when the bytes are written. Forwarded by one pump thread only.
   */
  private final class Shaper {
    private final Direction direction;
    private final OutputStream out;
    private final @Nullable TokenBucket bucket;
    private final @Nullable DelayLine line;
    private final long cutAt;
    private final long stallAt;
    private final long injectAt;
    private final byte[] injected;
    private long forwarded;
    private volatile boolean stalled;
    private boolean injectedDone;

    Shaper(Direction direction, OutputStream out) {
      this.direction = direction;
      this.out = out;
      long bandwidth = script.bandwidth(direction);
      this.bucket = bandwidth > 0 ? new TokenBucket(bandwidth) : null;
      Duration latency = script.latency(direction);
      this.line = latency.isZero() ? null : new DelayLine(latency, MAX_IN_FLIGHT, this::deliver);
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

    /** Starts the delay line's thread, when this direction has latency. */
    void startLine() {
      DelayLine l = line;
      if (l == null) {
        return;
      }
      lines.add(l);
      if (closed.get()) {
        l.stop();
      }
      running.incrementAndGet();
      owner.newThread(() -> {
        try {
          l.run();
        } finally {
          threadDone();
        }
      }, stats.index() + (direction == Direction.TO_CLIENT ? "-down" : "-up") + "-delay").start();
    }

    /** Forwards bytes read from one side: paced by the bandwidth cap, then delayed or written now. */
    void forward(byte[] b, int off, int len) throws IOException {
      TokenBucket tokens = bucket;
      DelayLine l = line;
      while (len > 0 && !stalled) {
        int n = tokens != null ? tokens.take(len, nanos -> pause(Duration.ofNanos(nanos))) : len;
        if (l != null) {
          l.offer(b, off, n);
        } else {
          deliver(b, off, n);
        }
        off += n;
        len -= n;
      }
    }

    /** Waits until the delay line has written everything forwarded so far. */
    void finish() throws IOException {
      if (line != null) {
        line.finish();
      }
    }

    /** Writes bytes onward now, applying the byte thresholds (inject, stall, cut). */
    private void deliver(byte[] b, int off, int len) throws IOException {
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
      out.write(b, off, n);
      out.flush();
      forwarded += n;
      stats.addBytes(direction, n);
      touch();
    }
  }
}
