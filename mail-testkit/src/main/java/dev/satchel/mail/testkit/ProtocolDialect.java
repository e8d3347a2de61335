package dev.satchel.mail.testkit;

import dev.satchel.mail.Protocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link FaultProxy} understands of one connection's protocol: it counts the client's
 * commands and, when capabilities are hidden, rewrites the server's capability answers. Plaintext
 * only: after a successful STARTTLS/STLS (or IMAP COMPRESS) both directions become opaque and pass
 * through untouched.
 *
 * <p>{@link #fromClient} is called by the client-to-server pump thread, {@link #fromServer} by the
 * server-to-client pump thread; state they share is volatile or in thread-safe queues.
 */
abstract class ProtocolDialect {

  /** Where rewritten server bytes go. */
  interface Sink {
    void write(byte[] b, int off, int len) throws IOException;
  }

  /** Told about every client command line. */
  interface CommandListener {
    /** One command line; {@code name} is the recognised verb, or null for continuation or unknown lines. */
    void command(@Nullable String name);
  }

  protected final Set<String> hidden;
  protected final CommandListener listener;
  private volatile boolean opaque;
  private final LineFramer clientFramer = new LineFramer();
  private final LineFramer serverFramer = new LineFramer();

  ProtocolDialect(Set<String> hidden, CommandListener listener) {
    this.hidden = hidden;
    this.listener = listener;
  }

  /** The dialect for {@code protocol}; raw line counting without rewriting when it is null. */
  static ProtocolDialect of(@Nullable Protocol protocol, Set<String> hidden, CommandListener listener) {
    if (protocol == null) {
      return new Raw(listener);
    }
    return switch (protocol) {
      case IMAP -> new ImapDialect(hidden, listener);
      case POP3 -> new Pop3Dialect(hidden, listener);
      case SMTP -> new SmtpDialect(hidden, listener);
    };
  }

  /** Observes client-to-server bytes (never changes them). */
  final void fromClient(byte[] b, int off, int len) {
    if (opaque) {
      return;
    }
    try {
      clientFramer.feed(b, off, len, new LineFramer.Handler() {
        @Override
        public void fragment(byte[] bytes, boolean startsLine, boolean endsLine) {
          clientLine(bytes, startsLine, endsLine, clientFramer);
        }

        @Override
        public void raw(byte[] bytes, int offset, int length) {
          // literal or chunk content: not a command
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e); // the handler does no I/O
    }
  }

  /** Passes server-to-client bytes on to {@code out}, rewritten when capabilities are hidden. */
  final void fromServer(byte[] b, int off, int len, Sink out) throws IOException {
    if (opaque) {
      out.write(b, off, len);
      return;
    }
    if (hidden.isEmpty()) {
      // observe only: state first (so that it is up to date before the client sees the bytes), then forward
      serverFramer.feed(b, off, len, handler(null));
      out.write(b, off, len);
      return;
    }
    int used = serverFramer.feed(b, off, len, handler(out));
    if (used < len) {
      out.write(b, off + used, len - used);
    }
  }

  /** At the end of the server's stream: hands on a buffered partial line. */
  final void endOfServerStream(Sink out) throws IOException {
    if (!hidden.isEmpty() && !serverFramer.isStopped()) {
      serverFramer.flush(handler(out));
    }
  }

  private LineFramer.Handler handler(@Nullable Sink out) {
    return new LineFramer.Handler() {
      @Override
      public void fragment(byte[] bytes, boolean startsLine, boolean endsLine) throws IOException {
        serverLine(bytes, startsLine, endsLine, serverFramer, out);
      }

      @Override
      public void raw(byte[] bytes, int offset, int length) throws IOException {
        if (out != null) {
          out.write(bytes, offset, length);
        }
      }
    };
  }

  /** A client line or line fragment. */
  abstract void clientLine(byte[] line, boolean startsLine, boolean endsLine, LineFramer framer);

  /**
   * A server line or fragment; when {@code out} is not null the implementation must write it (or its
   * rewritten form) there.
   */
  abstract void serverLine(byte[] line, boolean startsLine, boolean endsLine, LineFramer framer, @Nullable Sink out)
      throws IOException;

  /** From now on, neither direction is parsed (TLS or compression has started). */
  final void goOpaque(LineFramer serverSide) {
    opaque = true;
    serverSide.stop();
  }

  final boolean isOpaque() {
    return opaque;
  }

  static void emit(@Nullable Sink out, byte[] bytes) throws IOException {
    if (out != null) {
      out.write(bytes, 0, bytes.length);
    }
  }

  /** The line as ISO-8859-1 text (one char per byte) without its CRLF or LF. */
  static String text(byte[] line) {
    int n = line.length;
    if (n > 0 && line[n - 1] == '\n') {
      n--;
    }
    if (n > 0 && line[n - 1] == '\r') {
      n--;
    }
    return new String(line, 0, n, StandardCharsets.ISO_8859_1);
  }

  /** The line terminator of {@code line} ({@code "\r\n"}, {@code "\n"} or empty). */
  static String terminator(byte[] line) {
    int n = line.length;
    if (n >= 2 && line[n - 2] == '\r' && line[n - 1] == '\n') {
      return "\r\n";
    }
    return n >= 1 && line[n - 1] == '\n' ? "\n" : "";
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The first white-space separated word, upper case; empty for a blank line. */
  static String word(String text, int index) {
    String[] words = text.strip().split("[ \t]+");
    return index < words.length ? words[index].toUpperCase(Locale.ROOT) : "";
  }

  /** True when {@code token} is hidden: equal to a hidden name, or {@code NAME=...} of one. */
  final boolean isHidden(String token) {
    String t = token.toUpperCase(Locale.ROOT);
    if (hidden.contains(t)) {
      return true;
    }
    int eq = t.indexOf('=');
    return eq > 0 && hidden.contains(t.substring(0, eq));
  }

  /** No protocol: each client line counts as a command; server bytes pass untouched. */
  static final class Raw extends ProtocolDialect {
    Raw(CommandListener listener) {
      super(Set.of(), listener);
    }

    @Override
    void clientLine(byte[] line, boolean startsLine, boolean endsLine, LineFramer framer) {
      if (endsLine) {
        listener.command(null);
      }
    }

    @Override
    void serverLine(byte[] line, boolean startsLine, boolean endsLine, LineFramer framer, @Nullable Sink out)
        throws IOException {
      emit(out, line);
    }
  }
}
