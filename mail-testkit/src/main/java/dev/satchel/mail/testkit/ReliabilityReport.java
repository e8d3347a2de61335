package dev.satchel.mail.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what a test run did to prove reliability — faults tried, bad inputs tried, the most
 * concurrent sessions held — and writes the figures at the end of the run, so that they can be quoted.
 *
 * <pre>{@code
 * @ExtendWith(ReliabilityReport.class)
 * class ImapReliabilityTest {
 *   @Test
 *   void stalledServerFailsFast() {
 *     proxy.enqueue(ConnectionScript.stall());          // counted as a fault by the proxy itself
 *     ...
 *   }
 *   @Test
 *   void rejectsMalformedHeader() {
 *     ReliabilityReport.recordBadInput("malformed header");
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>{@link FaultProxy} records every connection it runs with a fault ({@code cut}, {@code stall},
 * {@code latency}, {@code bandwidth}, {@code refuse}) as a fault tried, every connection that gets
 * garbage as a bad input tried, and its peak of concurrent connections. Tests add their own figures
 * through the static {@code record...} methods. Counters are per JVM (one Surefire fork).
 *
 * <p>As an extension, it also counts the succeeded and failed tests of the classes it is registered
 * on, and, when the whole run ends, writes the summary to {@code target/satchel-reliability.txt}
 * (relative to the working directory; the system property {@code satchel.reliability.report} names
 * another file) and logs it at INFO through SLF4J. Works on JUnit Jupiter 5.11 and later, including
 * 5.11 and 5.12, which close only {@code ExtensionContext.Store.CloseableResource} values at the end
 * of a run. Thread-safe.
 */
public final class ReliabilityReport implements BeforeAllCallback, TestWatcher {
  /** The system property that names the report file. */
  public static final String FILE_PROPERTY = "satchel.reliability.report";

  private static final Logger LOG = LoggerFactory.getLogger(ReliabilityReport.class);
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ReliabilityReport.class);
  private static final ConcurrentMap<String, LongAdder> FAULTS = new ConcurrentHashMap<>();
  private static final ConcurrentMap<String, LongAdder> BAD_INPUTS = new ConcurrentHashMap<>();
  private static final AtomicInteger PEAK_SESSIONS = new AtomicInteger();
  private static final AtomicLong SUCCEEDED = new AtomicLong();
  private static final AtomicLong FAILED = new AtomicLong();

  /** Creates the extension; JUnit calls this. */
  public ReliabilityReport() {}

  /**
   * Counts one fault tried, for example {@code "cut"} or {@code "stall"}.
   *
   * @throws IllegalArgumentException when {@code kind} is blank
   */
  public static void recordFault(String kind) {
    FAULTS.computeIfAbsent(checkKind(kind), k -> new LongAdder()).increment();
  }

  /**
   * Counts one bad input tried, for example {@code "garbage greeting"} or {@code "malformed MIME"}.
   *
   * @throws IllegalArgumentException when {@code kind} is blank
   */
  public static void recordBadInput(String kind) {
    BAD_INPUTS.computeIfAbsent(checkKind(kind), k -> new LongAdder()).increment();
  }

  /**
   * Records that {@code sessions} sessions were held open at the same time; the report keeps the most.
   *
   * @throws IllegalArgumentException when {@code sessions} is negative
   */
  public static void recordConcurrentSessions(int sessions) {
    if (sessions < 0) {
      throw new IllegalArgumentException("sessions must be >= 0, was " + sessions);
    }
    PEAK_SESSIONS.accumulateAndGet(sessions, Math::max);
  }

  /** The figures so far. */
  public static Summary summary() {
    return new Summary(snapshot(FAULTS), snapshot(BAD_INPUTS), PEAK_SESSIONS.get(), SUCCEEDED.get(), FAILED.get());
  }

  /**
   * Writes {@link #summary()} to {@code file}, creating its directory.
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  public static Path write(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, summary().format(), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write reliability report " + file, e);
    }
  }

  /** The file the extension writes at the end of the run. */
  public static Path reportFile() {
    String configured = System.getProperty(FILE_PROPERTY);
    return configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("target", "satchel-reliability.txt");
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(EndOfRun.class, k -> new EndOfRun(), EndOfRun.class);
  }

  @Override
  public void testSuccessful(ExtensionContext context) {
    SUCCEEDED.incrementAndGet();
  }

  @Override
  public void testFailed(ExtensionContext context, @org.jspecify.annotations.Nullable Throwable cause) {
    FAILED.incrementAndGet();
  }

  private static String checkKind(String kind) {
    if (kind.isBlank()) {
      throw new IllegalArgumentException("kind must not be blank");
    }
    return kind.strip();
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /**
   * The figures of a run.
   *
   * @param faultsByKind faults tried, by kind
   * @param badInputsByKind bad inputs tried, by kind
   * @param concurrentSessionsHeld the most sessions held open at once
   * @param testsSucceeded tests that succeeded in classes using the extension
   * @param testsFailed tests that failed in classes using the extension
   */
  public record Summary(
      Map<String, Long> faultsByKind,
      Map<String, Long> badInputsByKind,
      int concurrentSessionsHeld,
      long testsSucceeded,
      long testsFailed) {

    /** Copies the maps. */
    public Summary {
      faultsByKind = Map.copyOf(faultsByKind);
      badInputsByKind = Map.copyOf(badInputsByKind);
    }

    /** All faults tried. */
    public long faultsTried() {
      return faultsByKind.values().stream().mapToLong(Long::longValue).sum();
    }

    /** All bad inputs tried. */
    public long badInputsTried() {
      return badInputsByKind.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The summary as a few lines of text. */
    public String format() {
      return "Satchel reliability report\n"
          + "faults tried: " + faultsTried() + detail(faultsByKind) + "\n"
          + "bad inputs tried: " + badInputsTried() + detail(badInputsByKind) + "\n"
          + "concurrent sessions held: " + concurrentSessionsHeld + "\n"
          + "reporting tests succeeded: " + testsSucceeded + "; failed: " + testsFailed + "\n";
    }

    private static String detail(Map<String, Long> byKind) {
      if (byKind.isEmpty()) {
        return "";
      }
      StringBuilder sb = new StringBuilder(" (");
      new TreeMap<>(byKind).forEach((k, v) -> sb.append(sb.length() > 2 ? ", " : "").append(k).append(' ').append(v));
      return sb.append(')').toString();
    }
  }

  /**
   * Closed by JUnit when the whole run ends: writes and logs the report. It is both kinds of value the
   * store closes. JUnit Jupiter before 5.13 closes only {@link ExtensionContext.Store.CloseableResource}
   * values and would never call a plain {@link AutoCloseable}; 5.13 and later (and 6.x) close an
   * {@code AutoCloseable} once through {@link AutoCloseable#close()} (without the deprecation warning
   * they log for a {@code CloseableResource} alone), and fall back to {@code CloseableResource} when
   * {@code junit.jupiter.extensions.store.close.autocloseable.enabled} is false. The guard below keeps
   * it to one report either way.
   */
  @SuppressWarnings("deprecation") // CloseableResource: deprecated in 5.13, the only contract before it
  private static final class EndOfRun implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    private final AtomicInteger closed = new AtomicInteger();

    @Override
    public void close() {
      if (closed.getAndIncrement() > 0) {
        return;
      }
      Path file = Objects.requireNonNull(reportFile());
      try {
        write(file);
      } catch (UncheckedIOException e) {
        LOG.warn("could not write the reliability report to {}: {}", file, e.getMessage());
      }
      LOG.info("reliability figures (also in {}):{}{}", file, System.lineSeparator(), summary().format());
    }
  }
}
