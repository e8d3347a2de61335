package dev.satchel.mail.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on standard error, redrawn in place with a carriage return:
 * {@code [##########..........]  50%  1.2 MiB of 2.4 MiB}. Redraws at most every 100 ms, and when
 * the percentage changes. Not thread-safe.
 */
final class ProgressBar {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter err;
  private final long total;
  private final String label;
  private long lastDraw = Long.MIN_VALUE;
  private int lastPercent = -1;

  /** A bar for {@code total} bytes; {@code total} may be -1 when unknown (then only bytes are shown). */
  ProgressBar(PrintWriter err, String label, long total) {
    this.err = err;
    this.label = label;
    this.total = total;
  }

  void update(long done) {
    long now = System.nanoTime();
    int percent = percent(done);
    if (percent == lastPercent && lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    lastPercent = percent;
    draw(done);
  }

  /** Draws the final state and ends the line. */
  void finish(long done) {
    draw(done);
    err.println();
    err.flush();
  }

  private void draw(long done) {
    StringBuilder line = new StringBuilder("\r").append(label).append(' ');
    if (total > 0) {
      int percent = percent(done);
      int filled = percent * WIDTH / 100;
      line.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append(']')
          .append(String.format(Locale.ROOT, " %3d%%  ", percent))
          .append(Units.bytes(done)).append(" of ").append(Units.bytes(total));
    } else {
      line.append(Units.bytes(done));
    }
    err.print(line);
    err.flush();
  }

  private int percent(long done) {
    return total > 0 ? (int) Math.min(100, done * 100 / total) : 0;
  }
}
