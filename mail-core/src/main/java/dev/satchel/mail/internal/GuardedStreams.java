package dev.satchel.mail.internal;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input and output streams of one guarded socket, sharing its {@link ResponseGuard}: every byte
 * read from the server is shown to the guard before the protocol layer gets it, and every byte
 * written is told to it. Once the guard refuses, every later read fails with the same
 * {@link ServerLimitException}. When TLS is layered over the socket (STARTTLS) the streams
 * {@linkplain #passThrough() stop inspecting}: they then carry TLS records, and the guard moves to the
 * TLS socket. Thread-safe as far as a socket is: one reader, one writer.
 */
final class GuardedStreams {
  private static final Logger LOG = LoggerFactory.getLogger(GuardedStreams.class);

  private final ResponseGuard guard;
  private volatile boolean passThrough;
  private volatile @Nullable IOException failure;
  private final Input input;
  private final Output output;

  /** Where a socket's raw streams come from. */
  interface RawStreams {
    InputStream input() throws IOException;

    OutputStream output() throws IOException;
  }

  /**
   * A socket's guarded streams, made on first use (a socket has no streams before it connects); the
   * one piece both {@link GuardedSockets.GuardedSocket} and {@link GuardedSslSocket} delegate to.
   * Thread-safe.
   */
  static final class Lazy {
    private final RawStreams raw;
    private final ResponseGuard guard;
    private @Nullable GuardedStreams streams;

    Lazy(RawStreams raw, ResponseGuard guard) {
      this.raw = raw;
      this.guard = guard;
    }

    private synchronized GuardedStreams get() throws IOException {
      GuardedStreams s = streams;
      if (s == null) {
        s = new GuardedStreams(raw.input(), raw.output(), guard);
        streams = s;
      }
      return s;
    }

    InputStream input() throws IOException {
      return get().input();
    }

    OutputStream output() throws IOException {
      return get().output();
    }
  }

  GuardedStreams(InputStream in, OutputStream out, ResponseGuard guard) {
    this.guard = guard;
    this.input = new Input(in);
    this.output = new Output(out);
  }

  ResponseGuard guard() {
    return guard;
  }

  InputStream input() {
    return input;
  }

  OutputStream output() {
    return output;
  }

  /** Stops inspecting: TLS now runs over these streams, and the guard watches the TLS socket's. */
  void passThrough() {
    passThrough = true;
  }

  /** The streams of {@code in}'s socket when {@code in} is a guarded input stream, else null. */
  static @Nullable GuardedStreams of(InputStream in) {
    return in instanceof Input i ? i.owner() : null;
  }

  private void inspect(byte[] b, int off, int len) throws IOException {
    try {
      guard.received(b, off, len);
    } catch (IOException e) {
      failure = e;
      LOG.debug("closing the connection: {}", e.getMessage());
      throw e;
    }
  }

  private final class Input extends FilterInputStream {
    private final byte[] one = new byte[1];

    Input(InputStream in) {
      super(in);
    }

    GuardedStreams owner() {
      return GuardedStreams.this;
    }

    private void check() throws IOException {
      IOException f = failure;
      if (f != null) {
        throw f;
      }
    }

    @Override
    public int read() throws IOException {
      check();
      int c = in.read();
      if (c >= 0 && !passThrough) {
        one[0] = (byte) c;
        inspect(one, 0, 1);
      }
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      check();
      int n = in.read(b, off, len);
      if (n > 0 && !passThrough) {
        inspect(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // read, so that skipped bytes are inspected too
      byte[] buf = new byte[(int) Math.min(8192, Math.max(0, n))];
      long left = n;
      while (left > 0) {
        int r = read(buf, 0, (int) Math.min(buf.length, left));
        if (r < 0) {
          break;
        }
        left -= r;
      }
      return n - Math.max(0, left);
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
      // not supported: a reset would show bytes to the guard twice
    }

    @Override
    public synchronized void reset() throws IOException {
      throw new IOException("mark/reset not supported");
    }

    @Override
    public void close() throws IOException {
      if (!passThrough) {
        guard.release();
      }
      super.close();
    }
  }

  private final class Output extends FilterOutputStream {
    private final byte[] one = new byte[1];

    Output(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      if (!passThrough) {
        one[0] = (byte) b;
        guard.sent(one, 0, 1);
      }
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (!passThrough) {
        guard.sent(b, off, len);
      }
      out.write(b, off, len);
    }
  }
}
