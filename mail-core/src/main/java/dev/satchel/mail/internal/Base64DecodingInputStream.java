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
 * <p>Lenient is not silent: {@link #problems()} says what was wrong with the input read so far
 * (characters outside the alphabet other than white space, padding in the wrong place, a last group
 * with fewer than 4 characters), so that a reader can report it the way {@link MimeReader} does.
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
  private long foreign;
  private long strayPadding;
  private int shortLastGroup;
  /** The '=' still expected after the one that ended a group ("QQ==" has one more). */
  private int padsToSkip;

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

  /**
   * What was wrong with the base64 text read so far, in words; empty when it was clean. Complete once
   * the stream was read to its end.
   */
  public java.util.List<String> problems() {
    java.util.List<String> out = new java.util.ArrayList<>(3);
    if (foreign > 0) {
      out.add(foreign + " character(s) outside the base64 alphabet were skipped");
    }
    if (strayPadding > 0) {
      out.add(strayPadding + " padding character(s) in the wrong place were skipped");
    }
    if (shortLastGroup > 0) {
      out.add("the last group has " + shortLastGroup + " of 4 characters"
          + (shortLastGroup == 1 ? ", which carry no whole byte and were dropped" : " and no padding"));
    }
    return out;
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
        if (cleanCount == 1 && shortLastGroup == 0) {
          shortLastGroup = 1;
        }
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
        padsToSkip = 0;
        System.arraycopy(raw, rawPos, clean, cleanCount, runEnd - rawPos);
        cleanCount += runEnd - rawPos;
        rawPos = runEnd;
        continue;
      }
      int b = raw[rawPos++] & 0xFF;
      byte kind = ALPHABET[b];
      if (kind == 2 && cleanCount % 4 >= 2) {
        padsToSkip = 4 - cleanCount % 4 - 1;
        padGroup();
        return;
      }
      // anything else (line breaks, stray padding, bytes outside the alphabet) is skipped, and noted
      if (kind == 2) {
        if (padsToSkip > 0) {
          padsToSkip--;
        } else {
          strayPadding++;
        }
      } else if (b != '\r' && b != '\n' && b != ' ' && b != '\t') {
        foreign++;
      }
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
      shortLastGroup = cleanCount % 4;
      padGroup();
    } else if (end && cleanCount % 4 == 1) {
      shortLastGroup = 1; // dropped below: one character carries no whole byte
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
