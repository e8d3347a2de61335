package dev.satchel.mail;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning for a {@link Mailbox} session: how listings are batched, how large streamed fetches are,
 * and how {@link Mailbox#watch} keeps its connection alive. Pass it to
 * {@link Mailbox#connect(MailSettings, MailboxOptions)}; {@link #defaults()} suits most uses.
 *
 * <pre>{@code
 * MailboxOptions options = MailboxOptions.builder()
 *     .listBatchSize(1000)
 *     .idleRestart(Duration.ofMinutes(5))
 *     .build();
 * try (Mailbox mailbox = Mailbox.connect(settings, options)) { ... }
 * }</pre>
 *
 * <p>Defaults: list batch 500 messages, partial fetch 1 MiB, IDLE re-issued every 9 minutes, polling
 * every 60 seconds where IDLE is absent, reconnect delay 1 second doubling up to 5 minutes (with
 * jitter), IMAP COMPRESS=DEFLATE used when offered except on loopback. A protocol ignores what it has no use for (POP3 has no IDLE).
 *
 * <p>Immutable and thread-safe.
 */
public final class MailboxOptions {
  /** Default number of messages per batched listing command: 500. */
  public static final int DEFAULT_LIST_BATCH_SIZE = 500;
  /** Default size of one partial fetch when streaming a message or attachment: 1 MiB. */
  public static final int DEFAULT_PARTIAL_FETCH_SIZE = 1024 * 1024;
  /** Default time after which IMAP IDLE is ended and re-issued: 9 minutes. */
  public static final Duration DEFAULT_IDLE_RESTART = Duration.ofMinutes(9);
  /** Default polling interval where the server offers no push: 60 seconds. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(60);
  /** Default first reconnect delay of a watch: 1 second. */
  public static final Duration DEFAULT_RECONNECT_MIN_DELAY = Duration.ofSeconds(1);
  /** Default longest reconnect delay of a watch: 5 minutes. */
  public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofMinutes(5);

  /**
   * When IMAP traffic is compressed with COMPRESS=DEFLATE (RFC 4978). Compression starts after login,
   * so credentials are never part of a compressed stream, and only when the server offers it.
   *
   * <p>Measured against Dovecot 2.3 (BENCHMARKS.md): listing 10,000 summaries moved 359 KB instead of
   * 3,995 KB and took 0.52 s instead of 2.06 s over a 2 MB/s link, but 1.47x longer over loopback; a
   * 10 MB binary attachment (base64 on the wire) moved 24% fewer bytes, 0.76x the time over the 2 MB/s
   * link, but 6.2x the time over loopback, where the server's compressor was the bottleneck. Hence
   * the default, {@link #AUTO}.
   */
  public enum Compression {
    /** Compress when the server offers it, unless the server is on a loopback address (the default). */
    AUTO,
    /** Compress whenever the server offers it. */
    ON,
    /** Never compress. */
    OFF
  }

  /** Default for {@link #compression()}: {@link Compression#AUTO}. */
  public static final Compression DEFAULT_COMPRESSION = Compression.AUTO;

  private static final MailboxOptions DEFAULTS = new Builder().build();

  private final int listBatchSize;
  private final int partialFetchSize;
  private final Duration idleRestart;
  private final Duration pollInterval;
  private final Duration reconnectMinDelay;
  private final Duration reconnectMaxDelay;
  private final Compression compression;

  private MailboxOptions(Builder b) {
    this.listBatchSize = b.listBatchSize;
    this.partialFetchSize = b.partialFetchSize;
    this.idleRestart = b.idleRestart;
    this.pollInterval = b.pollInterval;
    this.reconnectMinDelay = b.reconnectMinDelay;
    this.reconnectMaxDelay = b.reconnectMaxDelay;
    this.compression = b.compression;
  }

  /** The default options. */
  public static MailboxOptions defaults() {
    return DEFAULTS;
  }

  /** A new builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, for a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.listBatchSize = listBatchSize;
    b.partialFetchSize = partialFetchSize;
    b.idleRestart = idleRestart;
    b.pollInterval = pollInterval;
    b.reconnectMinDelay = reconnectMinDelay;
    b.reconnectMaxDelay = reconnectMaxDelay;
    b.compression = compression;
    return b;
  }

  /** How many messages one batched listing command covers; memory per batch stays bounded by it. */
  public int listBatchSize() {
    return listBatchSize;
  }

  /** How many bytes one partial fetch asks for when a message or attachment is streamed. */
  public int partialFetchSize() {
    return partialFetchSize;
  }

  /** How long IMAP IDLE runs before it is ended and re-issued (servers drop IDLE after ~30 minutes). */
  public Duration idleRestart() {
    return idleRestart;
  }

  /** How often a watch polls where the server offers no push. */
  public Duration pollInterval() {
    return pollInterval;
  }

  /** The first delay before a watch reconnects after a drop; it doubles on each failure. */
  public Duration reconnectMinDelay() {
    return reconnectMinDelay;
  }

  /** The longest delay between a watch's reconnect attempts. */
  public Duration reconnectMaxDelay() {
    return reconnectMaxDelay;
  }

  /**
   * When IMAP traffic is compressed with COMPRESS=DEFLATE (RFC 4978); see {@link Compression}. A server
   * that does not offer it is always used uncompressed.
   */
  public Compression compression() {
    return compression;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MailboxOptions m && m.listBatchSize == listBatchSize && m.partialFetchSize == partialFetchSize
        && m.idleRestart.equals(idleRestart) && m.pollInterval.equals(pollInterval)
        && m.reconnectMinDelay.equals(reconnectMinDelay) && m.reconnectMaxDelay.equals(reconnectMaxDelay)
        && m.compression == compression;
  }

  @Override
  public int hashCode() {
    return Objects.hash(listBatchSize, partialFetchSize, idleRestart, pollInterval, reconnectMinDelay, reconnectMaxDelay,
        compression);
  }

  @Override
  public String toString() {
    return "MailboxOptions[listBatchSize=" + listBatchSize + ", partialFetchSize=" + partialFetchSize + ", idleRestart="
        + idleRestart + ", pollInterval=" + pollInterval + ", reconnectMinDelay=" + reconnectMinDelay
        + ", reconnectMaxDelay=" + reconnectMaxDelay + ", compression=" + compression + "]";
  }

  /** Builds {@link MailboxOptions}. Not thread-safe. */
  public static final class Builder {
    private int listBatchSize = DEFAULT_LIST_BATCH_SIZE;
    private int partialFetchSize = DEFAULT_PARTIAL_FETCH_SIZE;
    private Duration idleRestart = DEFAULT_IDLE_RESTART;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration reconnectMinDelay = DEFAULT_RECONNECT_MIN_DELAY;
    private Duration reconnectMaxDelay = DEFAULT_RECONNECT_MAX_DELAY;
    private Compression compression = DEFAULT_COMPRESSION;

    private Builder() {}

    /**
     * Messages per batched listing command. Default 500.
     *
     * @throws IllegalArgumentException unless 1..10000
     */
    public Builder listBatchSize(int messages) {
      if (messages < 1 || messages > 10_000) {
        throw new IllegalArgumentException("listBatchSize must be 1..10000, was " + messages);
      }
      this.listBatchSize = messages;
      return this;
    }

    /**
     * Bytes per partial fetch when streaming. Default 1 MiB.
     *
     * @throws IllegalArgumentException unless 4096..67108864 (4 KiB..64 MiB)
     */
    public Builder partialFetchSize(int bytes) {
      if (bytes < 4096 || bytes > 64 * 1024 * 1024) {
        throw new IllegalArgumentException("partialFetchSize must be 4096..67108864, was " + bytes);
      }
      this.partialFetchSize = bytes;
      return this;
    }

    /**
     * How long IDLE runs before it is re-issued. Default 9 minutes.
     *
     * @throws IllegalArgumentException unless 1 second..29 minutes
     */
    public Builder idleRestart(Duration interval) {
      this.idleRestart = check("idleRestart", interval, Duration.ofSeconds(1), Duration.ofMinutes(29));
      return this;
    }

    /**
     * How often to poll without push. Default 60 seconds.
     *
     * @throws IllegalArgumentException unless 100 milliseconds..1 day
     */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = check("pollInterval", interval, Duration.ofMillis(100), Duration.ofDays(1));
      return this;
    }

    /**
     * The first and the longest reconnect delay of a watch. Defaults 1 second and 5 minutes.
     *
     * @throws IllegalArgumentException unless 10 milliseconds &lt;= min &lt;= max &lt;= 1 day
     */
    public Builder reconnectDelay(Duration min, Duration max) {
      Duration lo = check("reconnect min delay", min, Duration.ofMillis(10), Duration.ofDays(1));
      Duration hi = check("reconnect max delay", max, Duration.ofMillis(10), Duration.ofDays(1));
      if (hi.compareTo(lo) < 0) {
        throw new IllegalArgumentException("reconnect max delay must be >= min delay (" + lo + "), was " + hi);
      }
      this.reconnectMinDelay = lo;
      this.reconnectMaxDelay = hi;
      return this;
    }

    /**
     * When to compress IMAP traffic with COMPRESS=DEFLATE. Default {@link Compression#AUTO}: whenever the
     * server offers it, except on loopback. Choose {@link Compression#OFF} on a fast local network that
     * carries large attachments, where the server's compressor costs more time than the bytes it saves.
     *
     * @throws NullPointerException when {@code compression} is null
     */
    public Builder compression(Compression compression) {
      this.compression = Objects.requireNonNull(compression, "compression");
      return this;
    }

    /** Builds the options. */
    public MailboxOptions build() {
      return new MailboxOptions(this);
    }

    private static Duration check(String name, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, name);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + value);
      }
      return value;
    }
  }
}
