package dev.satchel.mail.smtp;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Message content on its way to the server: every line end (CR LF, a bare LF or a bare CR) written as
 * CR LF, as RFC 5321 requires, and, for DATA, a dot at the start of a line doubled (dot-stuffing,
 * RFC 5321 section 4.5.2) so that no line of the message can end the data early. {@link #finish()}
 * ends the last line with CR LF when it has none. Counts the bytes of the normalised message (without
 * the stuffed dots), which is its size for SIZE. Not thread-safe.
 */
final class ContentStream extends FilterOutputStream {
  private final boolean dotStuff;
  private boolean lineStart = true;
  private boolean pendingCr;
  private long count;

  /**
   * @param out where the normalised bytes go
   * @param dotStuff true for DATA (dots doubled), false for BDAT and for measuring
   */
  ContentStream(OutputStream out, boolean dotStuff) {
    super(out);
    this.dotStuff = dotStuff;
  }

  /** Bytes of the normalised message so far, stuffed dots not counted. */
  long count() {
    return count;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int run = off; // start of bytes that pass unchanged
    int end = off + len;
    for (int i = off; i < end; i++) {
      byte c = b[i];
      if (pendingCr) {
        pendingCr = false;
        if (c == '\n') {
          lineStart = true;
          run = i + 1;
          continue; // the CR LF was already written
        }
      }
      if (c == '\r' || c == '\n') {
        out.write(b, run, i - run);
        count += i - run;
        out.write('\r');
        out.write('\n');
        count += 2;
        run = i + 1;
        lineStart = true;
        pendingCr = c == '\r';
      } else {
        if (lineStart && c == '.' && dotStuff) {
          out.write(b, run, i - run);
          count += i - run;
          out.write('.');
          run = i; // the dot itself follows with the run
        }
        lineStart = false;
      }
    }
    out.write(b, run, end - run);
    count += end - run;
  }

  /** Ends the last line with CR LF when it has none; then the content is complete. */
  void finish() throws IOException {
    if (!lineStart) {
      out.write('\r');
      out.write('\n');
      count += 2;
      lineStart = true;
    }
  }

  /** Does not close the connection. */
  @Override
  public void close() throws IOException {
    flush();
  }
}
