package dev.satchel.mail.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Follows the IMAP commands a client sends, for {@link ImapResponseGuard}: it only needs to know the
 * tag of a {@code COMPRESS DEFLATE} command, to tell when the server's answer to it ends and
 * compressed data begins. Client literals ({@code {n}} or {@code {n+}} at a line end) are skipped,
 * so message text being appended is never taken for a command. Not thread-safe.
 */
final class ImapClientLines {
  private static final int PREFIX = 64;
  private final byte[] line = new byte[PREFIX];
  private int len;
  private long literalLeft;
  private boolean overflow;
  private int prev = -1;
  private long tail; // the value of trailing "{digits}" or "{digits+}" while it is being read
  private int tailState; // 0 none, 1 after '{', 2 digits, 3 after '+', 4 after '}'
  private @Nullable String compressTag;

  /** Notes bytes the client wrote. */
  void sent(byte[] b, int off, int n) {
    for (int i = off; i < off + n; i++) {
      int c = b[i] & 0xFF;
      if (literalLeft > 0) {
        literalLeft--;
        prev = c;
        continue;
      }
      if (len < PREFIX) {
        line[len++] = (byte) c;
      } else {
        overflow = true;
      }
      if (c == '\n' && prev == '\r') {
        endOfLine();
      } else if (c != '\r') {
        trackTail(c);
      }
      prev = c;
    }
  }

  private void trackTail(int c) {
    if (c == '{') {
      tailState = 1;
      tail = 0;
    } else if ((tailState == 1 || tailState == 2) && c >= '0' && c <= '9') {
      tailState = 2;
      tail = Math.min(Long.MAX_VALUE / 20, tail * 10 + (c - '0'));
    } else if (tailState == 2 && c == '+') {
      tailState = 3;
    } else if ((tailState == 2 || tailState == 3) && c == '}') {
      tailState = 4;
    } else {
      tailState = 0;
    }
  }

  private void endOfLine() {
    if (tailState == 4) {
      literalLeft = tail;
    } else if (!overflow) {
      String text = new String(line, 0, len, StandardCharsets.ISO_8859_1).strip();
      String[] words = text.split(" +");
      if (words.length == 3 && words[1].equalsIgnoreCase("COMPRESS")
          && words[2].toUpperCase(Locale.ROOT).equals("DEFLATE")) {
        compressTag = words[0];
      }
    }
    len = 0;
    overflow = false;
    tailState = 0;
  }

  /**
   * True when {@code tag} is the tag of the pending COMPRESS command: the response being completed
   * is its answer, and the command is no longer pending.
   */
  boolean answersCompress(String tag) {
    if (tag.equals(compressTag)) {
      compressTag = null;
      return true;
    }
    return false;
  }
}
