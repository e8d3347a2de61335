package dev.satchel.mail.testkit;

import java.io.IOException;
import java.util.Arrays;

/**
 * Splits a byte stream into lines (ending in LF) incrementally, and can be told to pass the next
 * {@code n} bytes through as raw data (an IMAP literal, an SMTP BDAT chunk). A line longer than
 * {@link #MAX_LINE} bytes is handed on in fragments. Not thread-safe: one per stream direction.
 */
final class LineFramer {
  static final int MAX_LINE = 64 * 1024;

  /** Receives what the framer splits. */
  interface Handler {
    /**
     * A line or a piece of one. {@code startsLine} is true when the piece begins a physical line,
     * {@code endsLine} when it ends with LF.
     */
    void fragment(byte[] bytes, boolean startsLine, boolean endsLine) throws IOException;

    /** Raw bytes announced through {@link #expectRaw(long)}. */
    void raw(byte[] bytes, int offset, int length) throws IOException;
  }

  private byte[] buf = new byte[256];
  private int size;
  private boolean midLine;
  private long rawRemaining;
  private boolean stopped;

  /** The next {@code n} bytes after the current line are raw data. */
  void expectRaw(long n) {
    rawRemaining += n;
  }

  /** Stops splitting: {@link #feed} returns at once and reports how much it consumed. */
  void stop() {
    stopped = true;
  }

  boolean isStopped() {
    return stopped;
  }

  /** Feeds bytes; returns how many were consumed (all of them unless {@link #stop()} was called). */
  int feed(byte[] b, int off, int len, Handler h) throws IOException {
    int i = off;
    int end = off + len;
    while (i < end && !stopped) {
      if (rawRemaining > 0) {
        int n = (int) Math.min(rawRemaining, end - i);
        rawRemaining -= n;
        h.raw(b, i, n);
        i += n;
        continue;
      }
      int lf = -1;
      for (int j = i; j < end; j++) {
        if (b[j] == '\n') {
          lf = j;
          break;
        }
      }
      int stop = lf < 0 ? end : lf + 1;
      append(b, i, stop - i);
      i = stop;
      if (lf >= 0) {
        emit(h, true);
      } else if (size >= MAX_LINE) {
        emit(h, false);
      }
    }
    return i - off;
  }

  /** Hands on whatever partial line is buffered (at end of stream). */
  void flush(Handler h) throws IOException {
    if (size > 0) {
      emit(h, false);
    }
  }

  /** Takes out whatever is buffered without handing it on. */
  byte[] drain() {
    byte[] out = Arrays.copyOf(buf, size);
    size = 0;
    return out;
  }

  private void emit(Handler h, boolean endsLine) throws IOException {
    byte[] line = Arrays.copyOf(buf, size);
    boolean starts = !midLine;
    size = 0;
    midLine = !endsLine;
    h.fragment(line, starts, endsLine);
  }

  private void append(byte[] b, int off, int len) {
    if (size + len > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + len));
    }
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }
}
