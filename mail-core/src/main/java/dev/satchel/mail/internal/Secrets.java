package dev.satchel.mail.internal;

import jakarta.mail.MessagingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The secrets (passwords and access tokens) of open connections, so that server text Satchel repeats
 * never carries one: a server may echo the credential it refused ({@code NO login failed for
 * hunter2}), and that text would otherwise reach exception messages, their causes and logs.
 *
 * <p>A protocol module {@linkplain #register registers} a secret before it is sent and closes the
 * registration when the connection is closed; {@link MailExceptions} {@linkplain #redact redacts}
 * every registered secret (and its encodings on the wire: base64, SASL PLAIN, XOAUTH2 and
 * OAUTHBEARER initial responses, IMAP quoted form) from the server text it repeats, and
 * {@linkplain #scrub scrubs} causes whose messages contain one. Angus's own JUL loggers, which log
 * the server's answer to LOGIN and AUTHENTICATE at FINE when tracing, get a filter that redacts the
 * same. Thread-safe.
 */
public final class Secrets {
  /** What replaces a secret. */
  public static final String REDACTED = "[redacted]";

  /** Each registered form of a secret, with how many open registrations hold it. */
  private static final Map<String, Integer> LIVE = new ConcurrentHashMap<>();
  private static volatile List<String> forms = List.of();

  /** Angus's loggers that repeat server answers to authentication (held strongly: JUL keeps them weakly). */
  private static final List<Logger> FILTERED = new ArrayList<>();

  static {
    // dev.satchel.mail.imap: Angus names a store's logger after the store's package, and mail-imap
    // subclasses Angus's IMAPStore there.
    for (String name : List.of("dev.satchel.mail.imap", "org.eclipse.angus.mail.imap", "org.eclipse.angus.mail.imap.protocol",
        "org.eclipse.angus.mail.iap", "org.eclipse.angus.mail.pop3", "org.eclipse.angus.mail.smtp",
        "org.eclipse.angus.mail.util")) {
      Logger logger = Logger.getLogger(name);
      Filter previous = logger.getFilter();
      logger.setFilter(record -> {
        redactRecord(record);
        return previous == null || previous.isLoggable(record);
      });
      FILTERED.add(logger);
    }
  }

  private Secrets() {}

  /** A registration; {@link #close()} forgets the secret when no other registration holds it. Idempotent. */
  public static final class Registration implements AutoCloseable {
    private final List<String> held;
    private boolean closed;

    private Registration(List<String> held) {
      this.held = held;
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      for (String f : held) {
        LIVE.computeIfPresent(f, (k, n) -> n <= 1 ? null : n - 1);
      }
      refresh();
    }
  }

  /** A registration that holds nothing, for connections without credentials. */
  public static Registration none() {
    return new Registration(List.of());
  }

  /**
   * Registers {@code secret} of {@code username} (and its wire encodings) until the returned
   * registration is closed.
   */
  public static Registration register(String username, String secret) {
    if (secret.isEmpty()) {
      return none();
    }
    Set<String> fs = new LinkedHashSet<>();
    fs.add(secret);
    fs.add(secret.replace("\\", "\\\\").replace("\"", "\\\""));
    fs.add(b64(secret));
    fs.add(b64("\0" + username + "\0" + secret));
    fs.add(b64(username + "\0" + username + "\0" + secret));
    fs.add(b64("user=" + username + "\u0001auth=Bearer " + secret + "\u0001\u0001"));
    fs.add(b64("n,a=" + username + ",\u0001auth=Bearer " + secret + "\u0001\u0001"));
    fs.add(b64("n,,\u0001auth=Bearer " + secret + "\u0001\u0001"));
    List<String> held = new ArrayList<>(fs);
    for (String f : held) {
      LIVE.merge(f, 1, Integer::sum);
    }
    refresh();
    return new Registration(held);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void refresh() {
    List<String> now = new ArrayList<>(LIVE.keySet());
    now.sort(Comparator.comparingInt(String::length).reversed()); // longest first: an encoding before its secret
    forms = List.copyOf(now);
  }

  /** {@code text} with every registered secret replaced by {@value #REDACTED}. */
  public static String redact(String text) {
    List<String> fs = forms;
    if (fs.isEmpty()) {
      return text;
    }
    String t = text;
    for (String f : fs) {
      if (t.contains(f)) {
        t = t.replace(f, REDACTED);
      }
    }
    return t;
  }

  /** True when {@code text} contains a registered secret. */
  static boolean containsSecret(@Nullable String text) {
    if (text == null) {
      return false;
    }
    for (String f : forms) {
      if (text.contains(f)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code cause} itself when no message in its chain contains a registered secret; otherwise a copy
   * of the chain whose messages are redacted, with the original class names and stack traces.
   */
  public static @Nullable Throwable scrub(@Nullable Throwable cause) {
    if (cause == null || !chainContainsSecret(cause)) {
      return cause;
    }
    return copy(cause, 0);
  }

  private static boolean chainContainsSecret(Throwable t) {
    Throwable c = t;
    for (int depth = 0; c != null && depth < 20; depth++) {
      if (containsSecret(c.getMessage()) || containsSecret(c.toString())) {
        return true;
      }
      c = next(c);
    }
    return false;
  }

  private static @Nullable Throwable next(Throwable t) {
    Throwable n = t instanceof MessagingException me && me.getNextException() != null ? me.getNextException() : t.getCause();
    return n == t ? null : n;
  }

  private static Throwable copy(Throwable t, int depth) {
    Throwable n = next(t);
    RedactedCause copy = new RedactedCause(t.getClass().getName(), redact(String.valueOf(t.getMessage())),
        n == null || depth >= 20 ? null : copy(n, depth + 1));
    copy.setStackTrace(t.getStackTrace());
    return copy;
  }

  private static void redactRecord(LogRecord record) {
    if (forms.isEmpty()) {
      return;
    }
    String m = record.getMessage();
    if (m != null && containsSecret(m)) {
      record.setMessage(redact(m));
    }
    Object[] params = record.getParameters();
    if (params != null) {
      for (int i = 0; i < params.length; i++) {
        if (params[i] != null && containsSecret(params[i].toString())) {
          params[i] = redact(params[i].toString());
        }
      }
    }
    if (record.getThrown() != null) {
      record.setThrown(scrub(record.getThrown()));
    }
  }

  /** A stand-in for a cause whose message held a secret: same class name and stack trace, message redacted. */
  static final class RedactedCause extends Exception {
    private static final long serialVersionUID = 1L;
    private final String originalClass;

    RedactedCause(String originalClass, String message, @Nullable Throwable cause) {
      super(message, cause);
      this.originalClass = originalClass;
    }

    /** The class name of the exception this stands in for. */
    String originalClass() {
      return originalClass;
    }

    @Override
    public String toString() {
      return originalClass + " (message redacted by Satchel): " + getMessage();
    }
  }
}
