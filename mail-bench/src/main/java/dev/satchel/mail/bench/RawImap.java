package dev.satchel.mail.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A deliberately minimal IMAP client on a plain socket: the floor the libraries are measured
 * against, and the tool that seeds and cleans the benchmark folders on any server. It parses only
 * what it must (line ends, literals, the tagged status). Not thread-safe.
 */
final class RawImap implements Closeable {
  private static final int TIMEOUT_MILLIS = 120_000;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private int tag;
  private byte[] line = new byte[8192];
  private int lineLength;
  private final byte[] skip = new byte[64 * 1024];
  private boolean fetchAnswer;
  private static final byte[] FETCH = " FETCH ".getBytes(StandardCharsets.US_ASCII);

  private RawImap(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
  }

  /** Connects, reads the greeting and logs in with LOGIN. */
  static RawImap login(String host, int port, String user, String password) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
    s.setSoTimeout(TIMEOUT_MILLIS);
    s.setTcpNoDelay(true);
    RawImap imap = new RawImap(s);
    try {
      imap.readLine();
      if (!imap.lineStartsWith("* OK")) {
        throw new IOException("unexpected IMAP greeting: " + imap.lineText());
      }
      imap.ok("LOGIN " + quote(user) + " " + quote(password));
      return imap;
    } catch (IOException | RuntimeException e) {
      imap.close();
      throw e;
    }
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Runs a command and fails unless it ends OK; untagged answers are skipped. */
  void ok(String command) throws IOException {
    String status = run(command, null);
    if (!status.startsWith("OK")) {
      throw new IOException(command.split(" ")[0] + " failed: " + status);
    }
  }

  /** Runs a command, ignoring NO/BAD (for CREATE of an existing folder, for example). */
  String tryRun(String command) throws IOException {
    return run(command, null);
  }

  /** What to do with each untagged answer line (literals already skipped, their bytes counted). */
  interface Untagged {
    void line(RawImap imap) throws IOException;
  }

  /**
   * Sends {@code command} with a new tag and reads every answer up to the tagged one.
   *
   * @return the tagged status text, for example "OK Fetch completed."
   */
  String run(String command, @org.jspecify.annotations.Nullable Untagged untagged) throws IOException {
    String t = "b" + (++tag);
    out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    return readUntilTagged(t, untagged);
  }

  private String readUntilTagged(String t, @org.jspecify.annotations.Nullable Untagged untagged) throws IOException {
    byte[] tb = (t + " ").getBytes(StandardCharsets.US_ASCII);
    while (true) {
      readLogicalLine();
      if (startsWith(tb)) {
        return new String(line, tb.length, lineLength - tb.length, StandardCharsets.UTF_8);
      }
      if (untagged != null && lineLength > 0 && line[0] == '*') {
        untagged.line(this);
      }
    }
  }

  /**
   * Counts the {@code * n FETCH} answers of a command, reading every byte (literals too) and
   * building nothing.
   */
  int countFetches(String command) throws IOException {
    int[] count = new int[1];
    String status = run(command, imap -> {
      if (imap.fetchAnswer) {
        count[0]++;
      }
    });
    if (!status.startsWith("OK")) {
      throw new IOException(command + " failed: " + status);
    }
    return count[0];
  }

  /** The number from {@code STATUS folder (MESSAGES)}. */
  int messages(String folder) throws IOException {
    long[] n = {-1};
    String status = run("STATUS " + quote(folder) + " (MESSAGES)", imap -> {
      String s = imap.lineText();
      int i = s.toUpperCase(Locale.ROOT).indexOf("MESSAGES ");
      if (s.startsWith("* STATUS") && i >= 0) {
        String rest = s.substring(i + 9).replaceAll("[^0-9].*$", "");
        n[0] = Long.parseLong(rest);
      }
    });
    if (!status.startsWith("OK")) {
      throw new IOException("STATUS " + folder + " failed: " + status);
    }
    return (int) n[0];
  }

  /** Creates the folder when it does not exist. */
  void ensureFolder(String folder) throws IOException {
    if (!folder.equalsIgnoreCase("INBOX")) {
      tryRun("CREATE " + quote(folder));
    }
  }

  /** Deletes every message in the folder (STORE \Deleted, EXPUNGE), then closes it. */
  void deleteAll(String folder) throws IOException {
    deleteFrom(folder, 1);
  }

  /** Deletes messages from sequence number {@code first} to the end. */
  void deleteFrom(String folder, int first) throws IOException {
    int[] exists = {0};
    run("SELECT " + quote(folder), imap -> {
      String s = imap.lineText();
      if (s.endsWith(" EXISTS")) {
        exists[0] = Integer.parseInt(s.substring(2, s.length() - 7).trim());
      }
    });
    if (exists[0] >= first) {
      ok("STORE " + first + ":* +FLAGS.SILENT (\\Deleted)");
      ok("EXPUNGE");
    }
    ok("CLOSE");
  }

  /** UIDs in a folder (UID SEARCH ALL), ascending. */
  List<Long> uids(String folder) throws IOException {
    ok("EXAMINE " + quote(folder));
    List<Long> out = new ArrayList<>();
    ok2("UID SEARCH ALL", imap -> {
      String s = imap.lineText();
      if (s.startsWith("* SEARCH")) {
        for (String p : s.substring(8).trim().split(" ")) {
          if (!p.isEmpty()) {
            out.add(Long.parseLong(p));
          }
        }
      }
    });
    return out;
  }

  private void ok2(String command, Untagged u) throws IOException {
    String status = run(command, u);
    if (!status.startsWith("OK")) {
      throw new IOException(command + " failed: " + status);
    }
  }

  /** The server's CAPABILITY line, upper case. */
  String capabilities() throws IOException {
    String[] caps = {""};
    run("CAPABILITY", imap -> {
      String t = imap.lineText();
      if (t.startsWith("* CAPABILITY")) {
        caps[0] = t.toUpperCase(Locale.ROOT);
      }
    });
    return caps[0];
  }

  /**
   * Appends messages: in one MULTIAPPEND command per 500 messages with non-synchronizing literals
   * where the server offers both (one transaction instead of one per message), else one by one.
   */
  void appendAll(String folder, java.util.function.IntFunction<byte[]> message, int from, int to) throws IOException {
    String caps = capabilities();
    if (!caps.contains(" LITERAL+")) {
      for (int i = from; i < to; i++) {
        append(folder, message.apply(i));
      }
      return;
    }
    if (!caps.contains(" MULTIAPPEND")) {
      // pipelined: 200 APPEND commands with non-synchronizing literals, then their 200 answers
      for (int start = from; start < to; start += 200) {
        int end = Math.min(to, start + 200);
        List<String> tags = new ArrayList<>();
        for (int i = start; i < end; i++) {
          byte[] m = message.apply(i);
          String t = "b" + (++tag);
          tags.add(t);
          out.write((t + " APPEND " + quote(folder) + " {" + m.length + "+}\r\n").getBytes(StandardCharsets.UTF_8));
          out.write(m);
          out.write('\r');
          out.write('\n');
        }
        out.flush();
        for (String t : tags) {
          String status = readUntilTagged(t, null);
          if (!status.startsWith("OK")) {
            throw new IOException("APPEND failed: " + status);
          }
        }
      }
      return;
    }
    for (int start = from; start < to; start += 500) {
      int end = Math.min(to, start + 500);
      String t = "b" + (++tag);
      out.write((t + " APPEND " + quote(folder)).getBytes(StandardCharsets.UTF_8));
      for (int i = start; i < end; i++) {
        byte[] m = message.apply(i);
        out.write((" {" + m.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(m);
      }
      out.write('\r');
      out.write('\n');
      out.flush();
      String status = readUntilTagged(t, null);
      if (!status.startsWith("OK")) {
        throw new IOException("MULTIAPPEND failed: " + status);
      }
    }
  }

  /** Appends one message with a synchronizing literal. */
  void append(String folder, byte[] message) throws IOException {
    String t = "b" + (++tag);
    out.write((t + " APPEND " + quote(folder) + " {" + message.length + "}\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    readLine();
    if (!lineStartsWith("+")) {
      throw new IOException("APPEND refused: " + lineText());
    }
    out.write(message);
    out.write('\r');
    out.write('\n');
    out.flush();
    String status = readUntilTagged(t, null);
    if (!status.startsWith("OK")) {
      throw new IOException("APPEND failed: " + status);
    }
  }

  /**
   * Fetches {@code BODY.PEEK[section]} of one message and hands the literal's bytes to
   * {@code sink} as they arrive, without holding more than one buffer.
   */
  void streamSection(long uid, String section, ByteSink sink) throws IOException {
    String t = "b" + (++tag);
    out.write((t + " UID FETCH " + uid + " (BODY.PEEK[" + section + "])\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    boolean got = false;
    byte[] tb = (t + " ").getBytes(StandardCharsets.US_ASCII);
    while (true) {
      readLine();
      if (startsWith(tb)) {
        if (!got || !lineText().substring(tb.length).startsWith("OK")) {
          throw new IOException("UID FETCH " + uid + " failed: " + lineText());
        }
        return;
      }
      long literal = literalLength();
      while (literal >= 0) {
        if (!got && contains(FETCH)) {
          got = true;
          long left = literal;
          while (left > 0) {
            int n = in.read(skip, 0, (int) Math.min(skip.length, left));
            if (n < 0) {
              throw new IOException("connection closed inside a literal");
            }
            sink.accept(skip, n);
            left -= n;
          }
        } else {
          skipBytes(literal);
        }
        readLine();
        literal = literalLength();
      }
    }
  }

  /** Receives bytes. */
  interface ByteSink {
    void accept(byte[] buffer, int length) throws IOException;
  }

  /** Logs out and closes the socket; never throws. */
  @Override
  public void close() {
    try {
      if (!socket.isClosed()) {
        out.write(("b" + (++tag) + " LOGOUT\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (IOException ignored) {
      // closing anyway
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  // ------------------------------------------------------------------ line reading

  /** Reads one line and every literal it announces, keeping the text after the last literal. */
  private void readLogicalLine() throws IOException {
    readLine();
    fetchAnswer = lineLength > 0 && line[0] == '*' && contains(FETCH);
    long literal = literalLength();
    while (literal >= 0) {
      skipBytes(literal);
      readLine();
      literal = literalLength();
    }
  }

  private void skipBytes(long n) throws IOException {
    long left = n;
    while (left > 0) {
      int r = in.read(skip, 0, (int) Math.min(skip.length, left));
      if (r < 0) {
        throw new IOException("connection closed inside a literal");
      }
      left -= r;
    }
  }

  /** Reads bytes up to CRLF into {@link #line} (without the CRLF). */
  private void readLine() throws IOException {
    lineLength = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed by the server");
      }
      if (b == '\n') {
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
          lineLength--;
        }
        return;
      }
      if (lineLength == line.length) {
        line = java.util.Arrays.copyOf(line, line.length * 2);
      }
      line[lineLength++] = (byte) b;
    }
  }

  /** The n of a line ending in {n} or {n+}, or -1. */
  private long literalLength() {
    if (lineLength < 3 || line[lineLength - 1] != '}') {
      return -1;
    }
    int i = lineLength - 2;
    if (line[i] == '+') {
      i--;
    }
    long n = 0;
    long mul = 1;
    int digits = 0;
    while (i >= 0 && line[i] >= '0' && line[i] <= '9') {
      n += (line[i] - '0') * mul;
      mul *= 10;
      i--;
      digits++;
    }
    return digits > 0 && i >= 0 && line[i] == '{' ? n : -1;
  }

  private boolean startsWith(byte[] prefix) {
    if (lineLength < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (line[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private boolean lineStartsWith(String prefix) {
    return startsWith(prefix.getBytes(StandardCharsets.US_ASCII));
  }

  private boolean contains(byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= lineLength; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (line[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  String lineText() {
    return new String(line, 0, lineLength, StandardCharsets.UTF_8);
  }
}
