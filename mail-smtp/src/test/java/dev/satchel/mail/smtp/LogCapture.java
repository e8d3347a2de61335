package dev.satchel.mail.smtp;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An SLF4J provider for this module's tests that keeps every log line in memory: Satchel's loggers at
 * TRACE (so the protocol trace is captured), everything else at INFO. Tests assert on {@link #lines()}.
 */
public final class LogCapture implements SLF4JServiceProvider {
  private static final List<String> LINES = new ArrayList<>();

  private final ILoggerFactory factory = CapturingLogger::new;
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();

  /** A copy of every captured line so far. */
  static List<String> lines() {
    synchronized (LINES) {
      return new ArrayList<>(LINES);
    }
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  private static final class CapturingLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private final boolean satchel;

    CapturingLogger(String name) {
      this.name = name;
      this.satchel = name.startsWith("dev.satchel");
    }

    @Override
    public boolean isTraceEnabled() {
      return satchel;
    }

    @Override
    public boolean isDebugEnabled() {
      return satchel;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern, Object[] arguments,
        Throwable throwable) {
      StringBuilder sb = new StringBuilder().append(level).append(' ').append(name).append(" - ")
          .append(MessageFormatter.basicArrayFormat(messagePattern, arguments));
      if (throwable != null) {
        StringWriter w = new StringWriter();
        throwable.printStackTrace(new PrintWriter(w));
        sb.append('\n').append(w);
      }
      String line = sb.toString();
      synchronized (LINES) {
        LINES.add(line);
      }
      if (level.toInt() >= Level.WARN.toInt()) {
        System.err.println(line);
      }
    }
  }
}
