package dev.satchel.mail.internal.wire;

import dev.satchel.mail.internal.ServerLimitException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A bounded, buffered reader of a server's answers: CRLF lines of at most {@code maxLine} bytes,
 * counted blocks (IMAP literals) streamed to their consumer without being held whole, and
 * dot-stuffed multi-line bodies (POP3, SMTP) likewise. A line longer than the limit ends the
 * connection with a {@link ServerLimitException} naming the limit; nothing is allocated for it beyond
 * the limit.
 *
 * <p>Lines are returned in a buffer that is reused by the next call: copy what must be kept. A
 * bare LF is accepted as a line end (servers send them); a CR alone is data.
 *
 * <p>Not thread-safe: one protocol engine reads.
 */
public final class WireReader {
  private InputStream in;
  private final byte[] buf;
  private int pos;
  private int end;
  private final int maxLine;
  private byte[] line;
  private int lineLength;
  private long bytesRead;
  private boolean inBlock;

  /**
   * @param in the connection's input
   * @param bufferSize the read buffer (64 KiB suits bulk downloads)
   * @param maxLine the longest line accepted, in bytes, without its line end
   */
  public WireReader(InputStream in, int bufferSize, int maxLine) {
    if (bufferSize < 16 || maxLine < 1) {
      throw new IllegalArgumentException("bufferSize must be >= 16 and maxLine >= 1, were " + bufferSize + " and " + maxLine);
    }
    this.in = in;
    this.buf = new byte[bufferSize];
    this.maxLine = maxLine;
    this.line = new byte[Math.min(maxLine, 1024)];
  }

  /** Bytes received and not yet consumed; must be zero before the input is replaced. */
  public int buffered() {
    return end - pos;
  }

  /** Every byte taken from the input so far. */
  public long bytesRead() {
    return bytesRead;
  }

  /**
   * Continues on a new input (after a STARTTLS handshake or COMPRESS).
   *
   * @throws IOException when the server sent bytes before the switch that were not consumed: after
   *     STARTTLS they would be plaintext injected into the protected session
   */
  public void switchTo(InputStream next) throws IOException {
    if (buffered() != 0) {
      throw new ServerLimitException("the server sent " + buffered() + " bytes ahead of the switch to TLS or compression,"
          + " which could be injected", 0, "bytesAheadOfSwitch");
    }
    this.in = next;
  }

  /**
   * Reads what the input has into the buffer when it is empty, so that {@link #buffered()} shows
   * whether the server sent anything: true when bytes are buffered or the input ended (the next
   * {@link #readLine()} tells which), false when the input's read timed out without ending it (as a
   * {@link WireConnection#pollNextRead} glance does).
   */
  public boolean fill() throws IOException {
    if (pos < end) {
      return true;
    }
    try {
      fillRaw();
      return true;
    } catch (WireConnection.PollTimeoutException e) {
      return false;
    }
  }

  private boolean fillRaw() throws IOException {
    pos = 0;
    end = 0;
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      return false;
    }
    end = n;
    bytesRead += n;
    return true;
  }

  /**
   * Reads the next line.
   *
   * @return its length in bytes (without CR LF), or -1 at the end of the input before any byte
   * @throws ServerLimitException when the line is longer than {@code maxLine}
   * @throws EOFException when the input ends inside a line
   */
  public int readLine() throws IOException {
    if (inBlock) {
      throw new IllegalStateException("a block stream is still open: read it to its end or close it first");
    }
    lineLength = 0;
    boolean any = false;
    while (true) {
      if (pos == end && !fillRaw()) {
        if (!any) {
          return -1;
        }
        throw new EOFException("the connection ended inside a line (after " + lineLength + " bytes)");
      }
      any = true;
      int start = pos;
      int nl = -1;
      for (int i = pos; i < end; i++) {
        if (buf[i] == '\n') {
          nl = i;
          break;
        }
      }
      int stop = nl < 0 ? end : nl;
      append(start, stop - start);
      if (nl >= 0) {
        pos = nl + 1;
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
          lineLength--;
        }
        return lineLength;
      }
      pos = end;
    }
  }

  private void append(int from, int len) throws ServerLimitException {
    // one more byte than the limit may be a CR of the line end
    if ((long) lineLength + len > (long) maxLine + 1) {
      throw new ServerLimitException("the server sent a line longer than " + maxLine + " bytes", maxLine, "maxLine");
    }
    if (lineLength + len > line.length) {
      line = Arrays.copyOf(line, (int) Math.min((long) maxLine + 1, Math.max((long) line.length * 2, (long) lineLength + len)));
    }
    System.arraycopy(buf, from, line, lineLength, len);
    lineLength += len;
  }

  /** The bytes of the last line read (valid up to {@link #lineLength()} until the next read). */
  public byte[] line() {
    return line;
  }

  /** The length of the last line read. */
  public int lineLength() {
    return lineLength;
  }

  /** The last line read as text (ISO-8859-1, so every byte maps to one char); for protocol words. */
  public String lineText() {
    return new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
  }

  /**
   * The next {@code length} bytes as a stream (an IMAP literal), read from the buffer and then the
   * input as the consumer asks: never held whole. The stream must be read to its end or closed (which
   * skips the rest) before the reader is used again.
   *
   * @throws IllegalArgumentException when {@code length} is negative
   */
  public InputStream block(long length) {
    if (length < 0) {
      throw new IllegalArgumentException("block length must be >= 0, was " + length);
    }
    inBlock = true;
    return new Block(length);
  }

  /** A counted block of the input; see {@link #block(long)}. */
  private final class Block extends InputStream {
    private long left;
    private boolean done;

    Block(long left) {
      this.left = left;
      if (left == 0) {
        finish();
      }
    }

    private void finish() {
      if (!done) {
        done = true;
        inBlock = false;
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        finish();
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      if (pos == end && !fillRaw()) {
        throw new EOFException("the connection ended with " + left + " bytes of a counted block still to come");
      }
      int n = (int) Math.min(Math.min(len, left), end - pos);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      left -= n;
      if (left == 0) {
        finish();
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = 0;
      while (skipped < n && left > 0) {
        if (pos == end && !fillRaw()) {
          throw new EOFException("the connection ended with " + left + " bytes of a counted block still to come");
        }
        int k = (int) Math.min(Math.min(n - skipped, left), end - pos);
        pos += k;
        left -= k;
        skipped += k;
      }
      if (left == 0) {
        finish();
      }
      return skipped;
    }

    @Override
    public int available() {
      return (int) Math.min(left, end - pos);
    }

    /** Skips what is left, so that the reader can go on. */
    @Override
    public void close() throws IOException {
      while (left > 0) {
        skip(left);
      }
      finish();
    }
  }
}
