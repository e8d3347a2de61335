package dev.satchel.mail.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Decodes MIME base64 (RFC 2045 section 6.8) as it streams, leniently: line breaks and every other
 * byte outside the base64 alphabet are skipped, padding ends a group (and decoding goes on after it),
 * and a truncated last group yields the whole bytes it holds. It collects 64 KiB of alphabet characters at
 * a time and decodes them with the JDK's block decoder, which is several times faster than decoding
 * byte by byte (Angus's {@code BASE64DecoderStream} was the bottleneck of attachment downloads).
 *
 * <p>Not thread-safe. Closing it closes the wrapped stream.
 */
public final class Base64DecodingInputStream extends InputStream {
  private static final int BLOCK = 64 * 1024; // a multiple of 4
  private static final byte[] ALPHABET = new byte[256];

  static {
    Arrays.fill(ALPHABET, (byte) 0);
    for (char c = 'A'; c <= 'Z'; c++) {
      ALPHABET[c] = 1;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      ALPHABET[c] = 1;
    }
    for (char c = '0'; c <= '9'; c++) {
      ALPHABET[c] = 1;
    }
    ALPHABET['+'] = 1;
    ALPHABET['/'] = 1;
    ALPHABET['='] = 2;
  }

  private final InputStream in;
  private final byte[] raw = new byte[BLOCK];
  private int rawPos;
  private int rawEnd;
  private boolean inputDone;
  private final byte[] clean = new byte[BLOCK + 4];
  private int cleanCount;
  private final byte[] out = new byte[(BLOCK + 4) / 4 * 3];
  private int outPos;
  private int outEnd;
  private boolean closed;

  /** Decodes {@code in}, which holds base64 text. */
  public Base64DecodingInputStream(InputStream in) {
    this.in = Objects.requireNonNull(in, "in");
  }

  @Override
  public int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return out[outPos++] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, outEnd - outPos);
    System.arraycopy(out, outPos, b, off, n);
    outPos += n;
    return n;
  }

  @Override
  public int available() {
    return outEnd - outPos;
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      in.close();
    }
  }

  /** Makes decoded bytes available; false at the end. */
  private boolean fill() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    while (outPos >= outEnd) {
      collect();
      boolean end = inputDone && rawPos >= rawEnd;
      if (end && cleanCount < 2) {
        return false; // nothing, or one lone character that carries no whole byte
      }
      decode(end);
    }
    return true;
  }

  /**
   * Moves alphabet characters into {@code clean} until it holds a block, a padded group was completed
   * (padding ends a group; decoding goes on after it, as some encoders concatenate padded pieces), or
   * the input ended.
   */
  private void collect() throws IOException {
    while (cleanCount < BLOCK) {
      if (rawPos >= rawEnd) {
        if (inputDone) {
          return;
        }
        int n = in.read(raw, 0, raw.length);
        if (n < 0) {
          inputDone = true;
          return;
        }
        rawPos = 0;
        rawEnd = n;
        continue;
      }
      // a run of alphabet characters (a whole line, usually) is copied in one go
      int runEnd = rawPos;
      int limit = Math.min(rawEnd, rawPos + (BLOCK - cleanCount));
      while (runEnd < limit && ALPHABET[raw[runEnd] & 0xFF] == 1) {
        runEnd++;
      }
      if (runEnd > rawPos) {
        System.arraycopy(raw, rawPos, clean, cleanCount, runEnd - rawPos);
        cleanCount += runEnd - rawPos;
        rawPos = runEnd;
        continue;
      }
      byte kind = ALPHABET[raw[rawPos++] & 0xFF];
      if (kind == 2 && cleanCount % 4 >= 2) {
        padGroup();
        return;
      }
      // anything else (line breaks, stray padding, bytes outside the alphabet) is skipped
    }
  }

  private void padGroup() {
    while (cleanCount % 4 != 0) {
      clean[cleanCount++] = '=';
    }
  }

  /** Decodes the whole groups in {@code clean}; at the end also a final group of 2 or 3 characters. */
  private void decode(boolean end) {
    if (end && cleanCount % 4 >= 2) {
      padGroup();
    }
    int whole = cleanCount - cleanCount % 4;
    int n = whole == 0 ? 0 : Base64.getDecoder().decode(Arrays.copyOf(clean, whole), out);
    int rest = end ? 0 : cleanCount - whole;
    System.arraycopy(clean, whole, clean, 0, rest);
    cleanCount = rest;
    outPos = 0;
    outEnd = n;
  }
}
