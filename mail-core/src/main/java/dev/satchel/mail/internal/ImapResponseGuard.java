package dev.satchel.mail.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The IMAP {@link ResponseGuard}: a byte-at-a-time tokenizer that follows IMAP responses exactly as
 * Angus Mail's reader frames them, and refuses what goes past {@link WireLimits}.
 *
 * <p>Framing follows Angus's {@code ResponseInputStream}, not only RFC 9051, since Angus is what
 * allocates: a line ends at CR LF; a line whose last bytes before CR LF are {@code {n}} (with the
 * last <code>{</code> of the response, an optional minus and decimal digits that fit an int)
 * announces a literal of n bytes (none when n &lt;= 0) after which the response goes on; otherwise
 * the response ends. {@code ~{n}} (RFC 3516) is the same to it. A {@code {n+}} is no literal to
 * Angus, but n above the literal limit is refused all the same.
 *
 * <p>Checked: the announced literal size ({@link WireLimits#maxLiteral()}), the bytes of one line
 * outside literals ({@link WireLimits#maxLine()}), the bytes of one response
 * ({@link WireLimits#maxResponse()}), the number in {@code * n EXISTS|RECENT|EXPUNGE|FETCH}
 * ({@link WireLimits#maxMessages()}), parenthesis nesting outside literals
 * ({@link WireLimits#maxNesting()}), and untagged responses in a row without a tagged one
 * ({@link WireLimits#maxUntaggedStatus()}, {@link WireLimits#maxUntaggedData()}).
 *
 * <p>After the tagged OK to a {@code COMPRESS DEFLATE} the client sent (RFC 4978), the guard inflates
 * a copy of what follows and checks that; the bytes the protocol layer reads are never changed.
 * Not thread-safe.
 */
final class ImapResponseGuard implements ResponseGuard {
  private static final int PREFIX = 64;
  private static final Set<String> NUMBERED = Set.of("EXISTS", "RECENT", "EXPUNGE", "FETCH");
  private static final Set<String> DATA = Set.of("FLAGS", "LIST", "LSUB", "XLIST", "STATUS", "SEARCH", "ESEARCH",
      "VANISHED", "QUOTA", "QUOTAROOT", "NAMESPACE", "ACL", "MYRIGHTS", "LISTRIGHTS", "METADATA", "SORT", "THREAD");

  // brace states: the bytes since the last '{' of the response, as Angus would parse them
  private static final int NONE = 0;
  private static final int OPEN = 1;
  private static final int SIGN = 2;
  private static final int DIGITS = 3;
  private static final int PLUS = 4;
  private static final int CLOSED = 5;
  private static final int CLOSED_PLUS = 6;
  private static final int CLOSED_CR = 7;
  private static final int CLOSED_PLUS_CR = 8;

  private final WireLimits limits;
  private final ImapClientLines client = new ImapClientLines();

  // framing
  private long responseBytes;
  private long lineBytes;
  private long literalLeft;
  private int prev = -1;
  private int brace = NONE;
  private boolean negative;
  private long braceValue;
  // the response's first bytes: tag (or * or +), then its status or keyword
  private final byte[] prefix = new byte[PREFIX];
  private int prefixLen;
  // "* <number> <keyword>" as it streams
  private int numbered; // 0: maybe, 1: in digits, 2: in keyword, 3: decided
  private long number;
  private final StringBuilder keyword = new StringBuilder(8);
  private int depth;
  private long untaggedStatus;
  private long untaggedData;
  private long completed;
  // COMPRESS=DEFLATE
  private @org.jspecify.annotations.Nullable Inflater inflater;
  private byte @org.jspecify.annotations.Nullable [] inflated;

  ImapResponseGuard(WireLimits limits) {
    this.limits = limits;
  }

  @Override
  public void received(byte[] b, int off, int len) throws IOException {
    int end = off + len;
    for (int i = off; i < end; i++) {
      Inflater inf = inflater;
      if (inf != null) {
        inflate(inf, b, i, end - i);
        return;
      }
      accept(b[i] & 0xFF);
    }
  }

  private void inflate(Inflater inf, byte[] b, int off, int len) throws IOException {
    byte[] out = inflated;
    if (out == null) {
      out = new byte[8192];
      inflated = out;
    }
    inf.setInput(b, off, len);
    try {
      while (!inf.needsInput() && !inf.finished()) {
        int n = inf.inflate(out);
        for (int i = 0; i < n; i++) {
          accept(out[i] & 0xFF);
        }
        if (n == 0 && inf.needsDictionary()) {
          throw new IOException("the server's compressed data asks for a preset dictionary, which COMPRESS=DEFLATE does not use");
        }
      }
    } catch (DataFormatException e) {
      throw new IOException("the server's compressed data could not be inflated: " + e.getMessage(), e);
    }
  }

  @Override
  public void sent(byte[] b, int off, int len) {
    client.sent(b, off, len);
  }

  @Override
  public void release() {
    Inflater inf = inflater;
    if (inf != null) {
      inf.end();
    }
  }

  /** One byte of the (inflated) server stream. */
  void accept(int c) throws ServerLimitException {
    responseBytes++;
    if (responseBytes > limits.maxResponse()) {
      throw new ServerLimitException("the server sent a response of more than " + limits.maxResponse() + " bytes",
          limits.maxResponse(), "maxResponse");
    }
    int before = prev;
    prev = c;
    trackBrace(c);
    if (literalLeft > 0) {
      literalLeft--;
      return;
    }
    lineBytes++;
    if (lineBytes > limits.maxLine()) {
      throw new ServerLimitException("the server sent a line of more than " + limits.maxLine() + " bytes",
          limits.maxLine(), "maxLine");
    }
    if (prefixLen < PREFIX) {
      prefix[prefixLen++] = (byte) c;
    }
    trackNumber(c);
    if (c == '(') {
      depth++;
      if (depth > limits.maxNesting()) {
        throw new ServerLimitException("the server sent parentheses nested more than " + limits.maxNesting() + " deep",
            limits.maxNesting(), "maxNesting");
      }
    } else if (c == ')' && depth > 0) {
      depth--;
    } else if (c == '\n' && before == '\r') {
      lineEnd();
    }
  }

  private void trackBrace(int c) {
    if (c == '{') {
      brace = OPEN;
      negative = false;
      braceValue = 0;
      return;
    }
    switch (brace) {
      case OPEN -> {
        if (c == '-') {
          negative = true;
          brace = SIGN;
        } else {
          digit(c);
        }
      }
      case SIGN -> digit(c);
      case DIGITS -> {
        if (c == '}') {
          brace = CLOSED;
        } else if (c == '+' && !negative) {
          brace = PLUS;
        } else {
          digit(c);
        }
      }
      case PLUS -> brace = c == '}' ? CLOSED_PLUS : NONE;
      case CLOSED -> brace = c == '\r' ? CLOSED_CR : NONE;
      case CLOSED_PLUS -> brace = c == '\r' ? CLOSED_PLUS_CR : NONE;
      case CLOSED_CR, CLOSED_PLUS_CR -> {
        if (c != '\n') {
          brace = NONE;
        }
        // on '\n' the state is read and reset by lineEnd()
      }
      default -> {
        // NONE: nothing to follow until the next '{'
      }
    }
  }

  private void digit(int c) {
    if (c >= '0' && c <= '9') {
      brace = DIGITS;
      braceValue = braceValue > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : Math.min(Long.MAX_VALUE - 9, braceValue * 10) + (c - '0');
    } else {
      brace = NONE;
    }
  }

  private void trackNumber(int c) throws ServerLimitException {
    if (numbered == 3) {
      return;
    }
    int at = prefixLen - 1; // index of c in the response, while the prefix is filling
    if (numbered == 0) {
      if (at == 0 && c == '*' || at == 1 && c == ' ') {
        return;
      }
      if (at == 2 && c >= '0' && c <= '9') {
        numbered = 1;
        number = c - '0';
        return;
      }
      numbered = 3;
    } else if (numbered == 1) {
      if (c >= '0' && c <= '9') {
        number = number > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : Math.min(Long.MAX_VALUE - 9, number * 10) + (c - '0');
      } else if (c == ' ') {
        numbered = 2;
      } else {
        numbered = 3;
      }
    } else if (numbered == 2) {
      boolean letter = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
      if (letter && keyword.length() < 8) {
        keyword.append((char) c);
        return;
      }
      numbered = 3;
      String k = keyword.toString().toUpperCase(Locale.ROOT);
      if (NUMBERED.contains(k) && number > limits.maxMessages()) {
        throw new ServerLimitException("the server announced message number " + number + " (* " + number + " " + k + ")",
            limits.maxMessages(), "maxMessages");
      }
    }
  }

  /** A CR LF outside literal data: a literal follows, or the response is complete. */
  private void lineEnd() throws ServerLimitException {
    int state = brace;
    brace = NONE;
    numbered = 3;
    if (state == CLOSED_CR || state == CLOSED_PLUS_CR) {
      long n = negative ? -braceValue : braceValue;
      if (n > limits.maxLiteral()) {
        throw new ServerLimitException("the server announced a literal of " + n + " bytes", limits.maxLiteral(),
            "maxLiteral");
      }
      boolean angusLiteral = state == CLOSED_CR && responseBytes >= 5 && n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE;
      if (angusLiteral) {
        literalLeft = Math.max(0, n);
        lineBytes = 0;
        return;
      }
    }
    responseEnd();
  }

  /** How many complete responses the guard has seen (for tests). */
  long completed() {
    return completed;
  }

  private void responseEnd() throws ServerLimitException {
    completed++;
    String first = atom(0);
    if (first.equals("*") || first.equals("+")) {
      String second = first.equals("+") ? "" : atom(first.length() + 1).toUpperCase(Locale.ROOT);
      boolean data = !second.isEmpty() && (Character.isDigit(second.charAt(0)) || DATA.contains(second));
      if (data) {
        untaggedData++;
        if (untaggedData > limits.maxUntaggedData()) {
          throw new ServerLimitException("the server sent more than " + limits.maxUntaggedData()
              + " untagged data responses without completing the command", limits.maxUntaggedData(), "maxUntaggedData");
        }
      } else {
        untaggedStatus++;
        if (untaggedStatus > limits.maxUntaggedStatus()) {
          throw new ServerLimitException("the server sent more than " + limits.maxUntaggedStatus() + " untagged responses"
              + " (such as * OK) without completing the command", limits.maxUntaggedStatus(), "maxUntaggedStatus");
        }
      }
    } else {
      untaggedStatus = 0;
      untaggedData = 0;
      if (client.answersCompress(first)) {
        if (atom(first.length() + 1).equalsIgnoreCase("OK")) {
          inflater = new Inflater(true);
        }
      }
    }
    responseBytes = 0;
    lineBytes = 0;
    prefixLen = 0;
    numbered = 0;
    number = 0;
    keyword.setLength(0);
    depth = 0;
    brace = NONE;
    prev = -1;
  }

  /** The atom of the prefix that starts at {@code from}: up to a space, CR or the prefix end. */
  private String atom(int from) {
    int i = from;
    while (i < prefixLen && prefix[i] != ' ' && prefix[i] != '\r' && prefix[i] != '\n') {
      i++;
    }
    return from >= prefixLen ? "" : new String(prefix, from, i - from, StandardCharsets.ISO_8859_1);
  }
}
