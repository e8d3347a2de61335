package dev.satchel.mail.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link FaultProxy} saw on one proxied connection: bytes each way, the client's commands,
 * whether the scripted fault fired and whether the connection is closed. Live: the counters move
 * while the connection runs. Thread-safe.
 *
 * <p>Commands are the lines the client sent, without IMAP literals, SMTP message content and BDAT
 * chunks; {@link #commandNames()} lists the recognised verbs ({@code "UID FETCH"}, {@code "RETR"},
 * {@code "EHLO"}), never arguments, so no password or message text is kept.
 */
public final class ProxyConnection {
  private final int index;
  private final ConnectionScript script;
  private final AtomicLong bytesToServer = new AtomicLong();
  private final AtomicLong bytesToClient = new AtomicLong();
  private final AtomicLong commands = new AtomicLong();
  private final List<String> commandNames = new ArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile @Nullable String firedFault;

  ProxyConnection(int index, ConnectionScript script) {
    this.index = index;
    this.script = Objects.requireNonNull(script, "script");
  }

  /** The position of this connection among those the proxy accepted, from 0. */
  public int index() {
    return index;
  }

  /** The script this connection ran. */
  public ConnectionScript script() {
    return script;
  }

  /** Bytes the proxy wrote to the server. */
  public long bytesToServer() {
    return bytesToServer.get();
  }

  /** Bytes the proxy wrote to the client (including injected garbage). */
  public long bytesToClient() {
    return bytesToClient.get();
  }

  /** Bytes the proxy wrote in {@code direction}. */
  public long bytes(Direction direction) {
    return direction == Direction.TO_SERVER ? bytesToServer() : bytesToClient();
  }

  /** Command lines the client sent (see the class comment). */
  public long commands() {
    return commands.get();
  }

  /** The recognised command verbs, in the order sent. */
  public List<String> commandNames() {
    synchronized (commandNames) {
      return List.copyOf(commandNames);
    }
  }

  /**
   * The fault that fired on this connection ({@code "cut"}, {@code "stall"}, {@code "refuse"},
   * {@code "garbage"}, {@code "inject"}), or null when none has (yet). Latency and bandwidth shape
   * every chunk and are not reported here.
   */
  public @Nullable String firedFault() {
    return firedFault;
  }

  /** True once the connection is closed on both sides. */
  public boolean isClosed() {
    return closed.getCount() == 0;
  }

  /**
   * Waits until the connection is closed.
   *
   * @return true when it closed within {@code timeout}
   * @throws IllegalStateException when interrupted (the interrupt flag is kept)
   */
  public boolean awaitClosed(Duration timeout) {
    try {
      return closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for proxied connection " + index + " to close", e);
    }
  }

  @Override
  public String toString() {
    return "ProxyConnection[" + index + ", toServer=" + bytesToServer() + ", toClient=" + bytesToClient() + ", commands="
        + commands() + (firedFault != null ? ", fired=" + firedFault : "") + (isClosed() ? ", closed" : ", open") + "]";
  }

  void addBytes(Direction direction, long n) {
    (direction == Direction.TO_SERVER ? bytesToServer : bytesToClient).addAndGet(n);
  }

  void command(@Nullable String name) {
    commands.incrementAndGet();
    if (name != null) {
      synchronized (commandNames) {
        commandNames.add(name);
      }
    }
  }

  void fired(String fault) {
    if (firedFault == null) {
      firedFault = fault;
    }
  }

  void markClosed() {
    closed.countDown();
  }
}
