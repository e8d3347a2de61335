package dev.satchel.mail.internal;

import java.util.ArrayDeque;
import java.util.Locale;

/**
 * The POP3 {@link ResponseGuard}: pairs each server answer with the command it answers (POP3 answers
 * in order, pipelined or not) and refuses what goes past {@link WireLimits}.
 *
 * <p>Checked: a status line longer than {@link WireLimits#maxPop3Line()}; the message count of a
 * {@code STAT} answer ({@code +OK n size}, from which Angus allocates an array of n messages) and the
 * message numbers of {@code LIST} and {@code UIDL} listings above {@link WireLimits#maxMessages()};
 * a multi-line answer that Angus holds in memory ({@code TOP}, {@code UIDL}, {@code LIST},
 * {@code CAPA}, anything but {@code RETR}) longer than {@link WireLimits#maxLiteral()}. {@code RETR}
 * bodies stream to a file and are not limited here.
 *
 * <p>Framing follows Angus's POP3 reader: a status line ends at CR, LF or CR LF; a multi-line body
 * ends at a line that is a dot followed by CR and one more byte. Not thread-safe.
 */
final class Pop3ResponseGuard implements ResponseGuard {
  private static final int MAX_PENDING = 64;

  private final WireLimits limits;
  private final ArrayDeque<String> pending = new ArrayDeque<>();
  private final StringBuilder clientLine = new StringBuilder();
  private boolean greeting = true;
  // the status line being read
  private final StringBuilder status = new StringBuilder();
  private long statusBytes;
  private boolean skipLf;
  // the multi-line body being read, when inBody
  private boolean inBody;
  private String bodyOf = "";
  private long bodyBytes;
  private int bodyState; // 0 mid-line, 1 line start, 2 after a leading dot, 3 after dot CR
  private final StringBuilder bodyLine = new StringBuilder();
  private boolean lineChecked;

  Pop3ResponseGuard(WireLimits limits) {
    this.limits = limits;
  }

  @Override
  public void sent(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      char c = (char) (b[i] & 0xFF);
      if (c == '\n') {
        String verb = clientLine.toString().strip();
        if (pending.size() < MAX_PENDING) {
          pending.add(verb.toUpperCase(Locale.ROOT));
        }
        clientLine.setLength(0);
      } else if (c != '\r' && clientLine.length() < 32) {
        clientLine.append(c);
      }
    }
  }

  @Override
  public void received(byte[] b, int off, int len) throws ServerLimitException {
    for (int i = off; i < off + len; i++) {
      accept(b[i] & 0xFF);
    }
  }

  void accept(int c) throws ServerLimitException {
    if (inBody) {
      body(c);
      return;
    }
    if (skipLf) {
      skipLf = false;
      if (c == '\n') {
        return;
      }
    }
    if (c == '\r' || c == '\n') {
      skipLf = c == '\r';
      statusLine(status.toString());
      status.setLength(0);
      statusBytes = 0;
      return;
    }
    statusBytes++;
    if (statusBytes > limits.maxPop3Line()) {
      throw new ServerLimitException("the server sent a status line of more than " + limits.maxPop3Line() + " bytes",
          limits.maxPop3Line(), "maxPop3Line");
    }
    if (status.length() < 128) {
      status.append((char) c);
    }
  }

  private void statusLine(String line) throws ServerLimitException {
    String command;
    if (greeting) {
      greeting = false;
      command = "";
    } else {
      String next = pending.poll();
      command = next == null ? "" : next;
    }
    if (!line.startsWith("+OK")) {
      return; // -ERR, a SASL continuation or garbage: one line
    }
    String[] words = command.split(" +");
    String verb = words[0];
    boolean bare = words.length == 1;
    if (verb.equals("STAT")) {
      String[] answer = line.split(" +");
      if (answer.length > 1) {
        long n = number(answer[1]);
        if (n > limits.maxMessages()) {
          throw new ServerLimitException("the server announced " + answer[1] + " messages (+OK " + answer[1] + " ...) in"
              + " its STAT answer", limits.maxMessages(), "maxMessages");
        }
      }
    } else if (verb.equals("RETR") || verb.equals("TOP") || verb.equals("CAPA")
        || bare && (verb.equals("UIDL") || verb.equals("LIST"))) {
      inBody = true;
      bodyOf = verb;
      bodyBytes = 0;
      bodyState = 1;
      bodyLine.setLength(0);
      lineChecked = false;
    }
  }

  private void body(int c) throws ServerLimitException {
    if (!bodyOf.equals("RETR")) {
      bodyBytes++;
      if (bodyBytes > limits.maxLiteral()) {
        throw new ServerLimitException("the server sent a " + bodyOf + " answer of more than " + limits.maxLiteral()
            + " bytes", limits.maxLiteral(), "maxLiteral");
      }
    }
    switch (bodyState) {
      case 1 -> bodyState = c == '.' ? 2 : 0;
      case 2 -> bodyState = c == '\r' ? 3 : 0;
      case 3 -> {
        inBody = false; // Angus consumes the byte after ".\r" and stops
        return;
      }
      default -> {
        // mid-line
      }
    }
    if (bodyOf.equals("UIDL") || bodyOf.equals("LIST")) {
      listingLine(c);
    }
    if (c == '\n') {
      bodyState = 1;
    }
  }

  /** Checks the message number that starts each line of a UIDL or LIST listing. */
  private void listingLine(int c) throws ServerLimitException {
    if (c == '\n') {
      bodyLine.setLength(0);
      lineChecked = false;
      return;
    }
    if (lineChecked) {
      return;
    }
    if (c >= '0' && c <= '9' && bodyLine.length() < 24) {
      bodyLine.append((char) c);
      return;
    }
    lineChecked = true;
    long n = number(bodyLine.toString());
    if (n > limits.maxMessages()) {
      throw new ServerLimitException("the server listed message number " + bodyLine + " in its " + bodyOf + " answer",
          limits.maxMessages(), "maxMessages");
    }
  }

  private static long number(String s) {
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return i == 0 ? -1 : v;
      }
      v = v > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : Math.min(Long.MAX_VALUE - 9, v * 10) + (c - '0');
    }
    return v;
  }
}
