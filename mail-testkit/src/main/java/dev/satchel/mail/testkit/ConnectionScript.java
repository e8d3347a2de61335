package dev.satchel.mail.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * What a {@link FaultProxy} does to one proxied connection: pass it through, slow it down, cut it,
 * stall it, refuse it, answer with garbage, and hide server capabilities.
 *
 * <pre>{@code
 * proxy.enqueue(
 *     ConnectionScript.cutAfter(Direction.TO_CLIENT, 2_000),            // 1st connection: cut mid-fetch
 *     ConnectionScript.passThrough());                                   // 2nd: healthy
 * proxy.defaultScript(ConnectionScript.hiding("MOVE", "UIDPLUS"));      // all later ones: no MOVE
 * ConnectionScript slow = ConnectionScript.builder()
 *     .latency(Direction.TO_CLIENT, Duration.ofMillis(50))
 *     .bandwidth(Direction.TO_CLIENT, 16_384)
 *     .build();
 * proxy.defaultScript(ConnectionScript.link(Duration.ofMillis(20), 10_000_000)); // a WAN: 40 ms round trips, 10 MB/s
 * }</pre>
 *
 * <p>Latency and bandwidth model a network link. Latency is a pipe delay: each byte is forwarded
 * {@code latency} after the proxy read it, while later bytes keep flowing, so a request and its answer
 * cost the two directions' latencies once and a stream's throughput is not lowered by it. Bandwidth
 * is a token bucket refilled at the rate, allowing bursts of at most 10 ms of it (at most 64 KiB).
 *
 * <p>Faults in both directions count the bytes the proxy wrote onward, after any capability rewriting.
 * {@link #stall()}, {@link #refuse()} and {@link #garbage(byte[])} take the place of the server: the
 * proxy does not connect upstream for them.
 *
 * <p>Immutable and thread-safe.
 */
public final class ConnectionScript {
  private static final ConnectionScript PASS_THROUGH = builder().build();

  /** How the connection starts. */
  enum Mode {
    /** Connect upstream and forward. */
    FORWARD,
    /** Accept and never answer. */
    STALL,
    /** Accept and reset at once. */
    REFUSE,
    /** Send garbage instead of the server, then close. */
    GARBAGE
  }

  private final Mode mode;
  private final Map<Direction, Duration> latency;
  private final Map<Direction, Long> bandwidth;
  private final Map<Direction, Long> cutAfter;
  private final Map<Direction, Long> stallAfter;
  private final long injectAfter;
  private final byte[] injected;
  private final byte[] garbage;
  private final Set<String> hidden;

  private ConnectionScript(Builder b) {
    this.mode = b.mode;
    this.latency = Map.copyOf(b.latency);
    this.bandwidth = Map.copyOf(b.bandwidth);
    this.cutAfter = Map.copyOf(b.cutAfter);
    this.stallAfter = Map.copyOf(b.stallAfter);
    this.injectAfter = b.injectAfter;
    this.injected = b.injected.clone();
    this.garbage = b.garbage.clone();
    this.hidden = Set.copyOf(b.hidden);
  }

  /** A new builder, starting from a pass-through script. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this script's settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.mode = mode;
    b.latency.putAll(latency);
    b.bandwidth.putAll(bandwidth);
    b.cutAfter.putAll(cutAfter);
    b.stallAfter.putAll(stallAfter);
    b.injectAfter = injectAfter;
    b.injected = injected.clone();
    b.garbage = garbage.clone();
    b.hidden.addAll(hidden);
    return b;
  }

  /** Forwards every byte unchanged: a healthy connection. */
  public static ConnectionScript passThrough() {
    return PASS_THROUGH;
  }

  /** Forwards exactly {@code bytes} bytes in {@code direction}, then closes both sides. */
  public static ConnectionScript cutAfter(Direction direction, long bytes) {
    return builder().cutAfter(direction, bytes).build();
  }

  /** Forwards {@code bytes} bytes in {@code direction}, then silently drops the rest, keeping the connection open. */
  public static ConnectionScript stallAfter(Direction direction, long bytes) {
    return builder().stallAfter(direction, bytes).build();
  }

  /** Delays every byte by {@code delay} in both directions (see {@link Builder#latency}). */
  public static ConnectionScript latency(Duration delay) {
    return builder().latency(Direction.TO_SERVER, delay).latency(Direction.TO_CLIENT, delay).build();
  }

  /**
   * A network link: every byte delayed by {@code latency} and the rate capped at
   * {@code bytesPerSecond}, each in both directions. {@code link(Duration.ofMillis(20), 10_000_000)}
   * gives 40 ms round trips and 10 MB/s each way.
   *
   * @throws IllegalArgumentException when {@code latency} is negative or {@code bytesPerSecond} below 1
   */
  public static ConnectionScript link(Duration latency, long bytesPerSecond) {
    Builder b = builder();
    for (Direction d : Direction.values()) {
      b.latency(d, latency).bandwidth(d, bytesPerSecond);
    }
    return b.build();
  }

  /** Accepts the connection and never answers (no greeting, no reply), until the client gives up. */
  public static ConnectionScript stall() {
    return builder().stall().build();
  }

  /** Accepts the connection and resets it at once, before any byte: the client sees a reset or end of stream. */
  public static ConnectionScript refuse() {
    return builder().refuse().build();
  }

  /** Sends {@code bytes} to the client in place of the server, then closes the connection. */
  public static ConnectionScript garbage(byte[] bytes) {
    return builder().garbage(bytes).build();
  }

  /** Forwards unchanged, except that the named capabilities are removed from the server's capability answers. */
  public static ConnectionScript hiding(String... capabilities) {
    return builder().hideCapabilities(capabilities).build();
  }

  /**
   * {@code length} reproducible pseudo-random bytes for {@link #garbage(byte[])} or
   * {@link Builder#injectToClient(long, byte[])}: printable ASCII, spaces, CR LF, brackets, braces
   * and bytes above 0x7F, the kinds of input that confuse line parsers.
   *
   * @throws IllegalArgumentException when {@code length} is negative
   */
  public static byte[] randomGarbage(long seed, int length) {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0, was " + length);
    }
    byte[] alphabet = "ABCxyz019 *+-.()[]{}<>\"\\\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Random random = new Random(seed);
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      int r = random.nextInt(10);
      out[i] = r < 7 ? alphabet[random.nextInt(alphabet.length)] : (byte) (0x80 + random.nextInt(0x80));
    }
    return out;
  }

  Mode mode() {
    return mode;
  }

  /** The delay of every byte in a direction; zero when none. */
  public Duration latency(Direction direction) {
    return latency.getOrDefault(direction, Duration.ZERO);
  }

  /** The bandwidth cap in bytes per second in a direction; 0 when unlimited. */
  public long bandwidth(Direction direction) {
    return bandwidth.getOrDefault(direction, 0L);
  }

  /** After how many bytes the connection is cut in a direction; -1 when never. */
  public long cutAfter(Direction direction) {
    return cutAfter.getOrDefault(direction, -1L);
  }

  /** After how many bytes a direction goes silent; -1 when never. */
  public long stallAfter(Direction direction) {
    return stallAfter.getOrDefault(direction, -1L);
  }

  long injectAfter() {
    return injectAfter;
  }

  byte[] injected() {
    return injected.clone();
  }

  byte[] garbageBytes() {
    return garbage.clone();
  }

  /** The capability names hidden from the client, upper case. */
  public Set<String> hiddenCapabilities() {
    return hidden;
  }

  /** True when this script injects bad input (garbage or injected bytes). */
  public boolean sendsBadInput() {
    return mode == Mode.GARBAGE || injectAfter >= 0;
  }

  /**
   * The names of the network faults in this script ({@code "latency"}, {@code "bandwidth"},
   * {@code "cut"}, {@code "stall"}, {@code "refuse"}), empty for a healthy or bad-input-only script.
   */
  public List<String> faultKinds() {
    List<String> kinds = new ArrayList<>();
    if (mode == Mode.STALL) {
      kinds.add("stall");
    }
    if (mode == Mode.REFUSE) {
      kinds.add("refuse");
    }
    if (!latency.isEmpty()) {
      kinds.add("latency");
    }
    if (!bandwidth.isEmpty()) {
      kinds.add("bandwidth");
    }
    if (!cutAfter.isEmpty()) {
      kinds.add("cut");
    }
    if (!stallAfter.isEmpty()) {
      kinds.add("stall");
    }
    return List.copyOf(new LinkedHashSet<>(kinds));
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    parts.add(mode.name().toLowerCase(Locale.ROOT));
    latency.forEach((d, v) -> parts.add("latency " + d + "=" + v));
    bandwidth.forEach((d, v) -> parts.add("bandwidth " + d + "=" + v + " B/s"));
    cutAfter.forEach((d, v) -> parts.add("cut " + d + " after " + v));
    stallAfter.forEach((d, v) -> parts.add("stall " + d + " after " + v));
    if (injectAfter >= 0) {
      parts.add("inject " + injected.length + " bytes after " + injectAfter);
    }
    if (!hidden.isEmpty()) {
      parts.add("hide " + hidden);
    }
    return "ConnectionScript[" + String.join(", ", parts) + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConnectionScript s && s.mode == mode && s.latency.equals(latency) && s.bandwidth.equals(bandwidth)
        && s.cutAfter.equals(cutAfter) && s.stallAfter.equals(stallAfter) && s.injectAfter == injectAfter
        && Arrays.equals(s.injected, injected) && Arrays.equals(s.garbage, garbage) && s.hidden.equals(hidden);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, latency, bandwidth, cutAfter, stallAfter, injectAfter, hidden);
  }

  /** Builds a {@link ConnectionScript}. Not thread-safe. */
  public static final class Builder {
    private Mode mode = Mode.FORWARD;
    private final Map<Direction, Duration> latency = new EnumMap<>(Direction.class);
    private final Map<Direction, Long> bandwidth = new EnumMap<>(Direction.class);
    private final Map<Direction, Long> cutAfter = new EnumMap<>(Direction.class);
    private final Map<Direction, Long> stallAfter = new EnumMap<>(Direction.class);
    private long injectAfter = -1;
    private byte[] injected = new byte[0];
    private byte[] garbage = new byte[0];
    private final Set<String> hidden = new LinkedHashSet<>();

    private Builder() {}

    /**
     * Delays every byte in {@code direction} by {@code delay}, like a network link: bytes read at time
     * t are written onward at t + {@code delay} while later bytes keep flowing, so a request and its
     * answer take the two directions' delays once, however many chunks they come in, and throughput is
     * unchanged. At most 8 MiB wait in the proxy per direction; beyond that it stops reading, as a full
     * TCP window would. Default: none.
     *
     * @throws IllegalArgumentException when {@code delay} is negative
     */
    public Builder latency(Direction direction, Duration delay) {
      Objects.requireNonNull(direction, "direction");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("latency must be >= 0, was " + delay);
      }
      if (delay.isZero()) {
        latency.remove(direction);
      } else {
        latency.put(direction, delay);
      }
      return this;
    }

    /**
     * Caps the rate in {@code direction} at {@code bytesPerSecond}, with a token bucket that holds at
     * most 10 ms of the rate (between 1 byte and 64 KiB): an idle connection may send one such burst,
     * then bytes flow at the rate. Default: unlimited.
     *
     * @throws IllegalArgumentException when {@code bytesPerSecond} is below 1
     */
    public Builder bandwidth(Direction direction, long bytesPerSecond) {
      Objects.requireNonNull(direction, "direction");
      if (bytesPerSecond < 1) {
        throw new IllegalArgumentException("bandwidth must be >= 1 byte per second, was " + bytesPerSecond);
      }
      bandwidth.put(direction, bytesPerSecond);
      return this;
    }

    /**
     * Forwards exactly {@code bytes} bytes in {@code direction}, then closes both sides of the
     * connection. {@code 0} closes the connection as soon as it is accepted.
     *
     * @throws IllegalArgumentException when {@code bytes} is negative
     */
    public Builder cutAfter(Direction direction, long bytes) {
      Objects.requireNonNull(direction, "direction");
      cutAfter.put(direction, checkCount("cutAfter bytes", bytes));
      return this;
    }

    /**
     * Forwards {@code bytes} bytes in {@code direction}, then reads and drops everything else in that
     * direction while keeping the connection open: a server (or client) that stops answering in the
     * middle of an exchange.
     *
     * @throws IllegalArgumentException when {@code bytes} is negative
     */
    public Builder stallAfter(Direction direction, long bytes) {
      Objects.requireNonNull(direction, "direction");
      stallAfter.put(direction, checkCount("stallAfter bytes", bytes));
      return this;
    }

    /**
     * Inserts {@code bytes} into the server-to-client stream once {@code afterBytes} bytes of it have
     * been forwarded, then goes on forwarding: garbage in the middle of a session.
     *
     * @throws IllegalArgumentException when {@code afterBytes} is negative or {@code bytes} empty
     */
    public Builder injectToClient(long afterBytes, byte[] bytes) {
      checkCount("injectToClient afterBytes", afterBytes);
      if (bytes.length == 0) {
        throw new IllegalArgumentException("injected bytes must not be empty");
      }
      injectAfter = afterBytes;
      injected = bytes.clone();
      return this;
    }

    /** Accepts the connection but never connects upstream and never answers. */
    public Builder stall() {
      mode = Mode.STALL;
      return this;
    }

    /** Accepts the connection and resets it at once. */
    public Builder refuse() {
      mode = Mode.REFUSE;
      return this;
    }

    /**
     * Sends {@code bytes} to the client in place of the server's greeting and then closes.
     *
     * @throws IllegalArgumentException when {@code bytes} is empty
     */
    public Builder garbage(byte[] bytes) {
      if (bytes.length == 0) {
        throw new IllegalArgumentException("garbage bytes must not be empty");
      }
      mode = Mode.GARBAGE;
      garbage = bytes.clone();
      return this;
    }

    /**
     * Hides capabilities from the client: IMAP {@code CAPABILITY} answers and {@code [CAPABILITY ...]}
     * response codes, POP3 {@code CAPA} lines and SMTP {@code EHLO} lines. A name also hides its
     * {@code NAME=...} forms ({@code "AUTH"} hides {@code AUTH=PLAIN}). Compared case-insensitively.
     * Works on plaintext sessions only, and only when the proxy knows the protocol.
     *
     * @throws IllegalArgumentException when a name is blank or contains white space
     */
    public Builder hideCapabilities(String... capabilities) {
      for (String c : capabilities) {
        if (c.isBlank() || c.chars().anyMatch(Character::isWhitespace)) {
          throw new IllegalArgumentException("capability name must be one non-blank word, was \"" + c + "\"");
        }
        hidden.add(c.toUpperCase(Locale.ROOT));
      }
      return this;
    }

    /** The script. */
    public ConnectionScript build() {
      return new ConnectionScript(this);
    }

    private static long checkCount(String what, long value) {
      if (value < 0) {
        throw new IllegalArgumentException(what + " must be >= 0, was " + value);
      }
      return value;
    }
  }
}
