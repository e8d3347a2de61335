package dev.satchel.mail.pop3;

import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.internal.ServerLimitException;
import dev.satchel.mail.internal.WireLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The maildrop commands of a logged-in {@link Pop3Session}: STAT, UIDL, LIST, TOP, RETR and DELE,
 * with every number the server sends checked before it is used or anything is allocated for it.
 *
 * <ul>
 *   <li>STAT: the count at most {@link WireLimits#maxMessages()}.
 *   <li>UIDL and LIST listings: message numbers from 1 to the STAT count, ascending, each once; ids
 *       of 1 to 70 printable characters (RFC 1939); sizes non-negative numbers, or -1 for a size the
 *       server cannot tell (GreenMail); the whole answer, as
 *       held in memory (about 48 bytes per entry on top of its text), at most
 *       {@link WireLimits#maxLiteral()}. Arrays grow with what arrives, never from an announced count.
 *   <li>TOP: the answer at most {@link WireLimits#maxLiteral()} on the wire; of it at most
 *       {@link #MAX_HEADER_BYTES} is kept (a longer header block is cut, and the summary says so).
 *   <li>RETR: at most twice the size LIST announced plus 64 KiB on the wire (line ends and dot
 *       stuffing may grow a message), and never more than {@link #MAX_MESSAGE_BYTES} (the only limit
 *       when the size is unknown).
 * </ul>
 *
 * <p>Not thread-safe.
 */
final class Pop3Maildrop {
  /** The largest message downloaded: 256 MiB (providers refuse messages over 25 to 150 MB). */
  static final long MAX_MESSAGE_BYTES = 256L << 20;
  /** The most of a TOP answer (a header block) kept in memory: 4 MiB. */
  static final int MAX_HEADER_BYTES = 4 << 20;
  /** Slack on the size LIST announced, for line ends and dot stuffing. */
  private static final long RETR_SLACK = 64 << 10;
  /** TOP commands sent at once when pipelining. */
  private static final int TOP_BATCH = 64;
  private static final java.util.regex.Pattern WORDS = java.util.regex.Pattern.compile("\\s+");
  /** A size not (yet) listed. */
  private static final long MISSING = Long.MIN_VALUE;
  /** Heap assumed per listing entry beyond its text (String, array, list slot). */
  private static final long ENTRY_OVERHEAD = 48;

  private final Pop3Session session;
  private final WireLimits limits;
  /** True once a TOP or RETR was sent: some servers then mark the message, which only RSET undoes. */
  private boolean retrieved;

  Pop3Maildrop(Pop3Session session, WireLimits limits) {
    this.session = session;
    this.limits = limits;
  }

  /**
   * Right after login: CAPA again (RFC 2449 section 5: capabilities may change with login) and STAT,
   * in one flight where PIPELINING is offered; returns the message count, checked against
   * {@link WireLimits#maxMessages()}.
   */
  int capaAndStat() {
    Pop3Session.Status s = session.capaThen("STAT", "STAT");
    if (!s.ok()) {
      throw new MailCommandException("STAT", s.text(), null);
    }
    String[] words = WORDS.split(s.text(), -1);
    long count = number(words.length > 0 ? words[0] : "", "STAT", "message count");
    if (count > limits.maxMessages()) {
      throw session.fail("STAT", new ServerLimitException("the server announced " + count + " messages",
          limits.maxMessages(), "maxMessages"));
    }
    return (int) count;
  }

  /**
   * UIDL for the whole maildrop: each message's id after {@code prefix}, by message number - 1
   * (read-only).
   */
  List<String> uidl(int count, String prefix) {
    UidlSink sink = new UidlSink(count, prefix);
    if (!session.multi("UIDL", "UIDL", "UIDL", limits.maxLiteral(), "maxLiteral", sink)) {
      throw new MailCommandException("UIDL", "the server advertised UIDL but refused it", null);
    }
    return sink.finish();
  }

  /** LIST for the whole maildrop: each message's size, by message number - 1. */
  long[] list(int count) {
    ListSink sink = new ListSink(count);
    if (!session.multi("LIST", "LIST", "LIST", limits.maxLiteral(), "maxLiteral", sink)) {
      throw new MailCommandException("LIST", "the server refused to list the maildrop", null);
    }
    return sink.finish();
  }

  /** UIDL and LIST at once (pipelined where offered); the ids after {@code prefix}. */
  Listing uidlAndList(int count, String prefix) {
    UidlSink ids = new UidlSink(count, prefix);
    ListSink sizes = new ListSink(count);
    boolean[] ok = session.pipeline(List.of("UIDL", "LIST"), "UIDL", limits.maxLiteral(), "maxLiteral",
        List.of(ids, sizes));
    if (!ok[0] || !ok[1]) {
      throw new MailCommandException(ok[0] ? "LIST" : "UIDL", "the server refused to list the maildrop", null);
    }
    return new Listing(ids.finish(), sizes.finish());
  }

  /** What UIDL and LIST said, by message number - 1. */
  static final class Listing {
    private final List<String> ids;
    private final long[] sizes;

    Listing(List<String> ids, long[] sizes) {
      this.ids = ids;
      this.sizes = sizes;
    }

    List<String> ids() {
      return ids;
    }

    long[] sizes() {
      return sizes;
    }
  }

  /** The size LIST announces for message {@code n}. */
  long size(int n) {
    Pop3Session.Status s = session.command("LIST " + n, "LIST " + n, "LIST");
    if (!s.ok()) {
      throw new MailCommandException("LIST " + n, s.text(), null);
    }
    String[] words = WORDS.split(s.text(), -1);
    if (words.length < 2 || number(words[0], "LIST", "message number") != n) {
      throw session.violation("LIST", "answered LIST " + n + " with \"" + Pop3Session.shorten(s.text()) + "\"");
    }
    return number(words[1], "LIST", "size");
  }

  /**
   * The header blocks of messages {@code numbers} (TOP n 0, in pipelined batches where offered),
   * each handed to {@code headers} with its number; a block longer than {@link #MAX_HEADER_BYTES}
   * arrives cut, with {@code true}.
   */
  void top(int[] numbers, HeaderConsumer headers) {
    for (int from = 0; from < numbers.length; from += TOP_BATCH) {
      int to = Math.min(numbers.length, from + TOP_BATCH);
      List<String> commands = new ArrayList<>(to - from);
      List<HeaderSink> sinks = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        commands.add("TOP " + numbers[i] + " 0");
        sinks.add(new HeaderSink(false));
      }
      retrieved = true;
      boolean[] ok = session.pipeline(commands, "TOP", limits.maxLiteral(), "maxLiteral",
          new ArrayList<Pop3Session.LineSink>(sinks));
      for (int i = from; i < to; i++) {
        if (!ok[i - from]) {
          throw new MailCommandException("TOP " + numbers[i] + " 0", "the server refused to send the message's header", null);
        }
        HeaderSink s = sinks.get(i - from);
        headers.accept(numbers[i], s.bytes(), s.cut);
      }
    }
  }

  /** Receives one message's header block. */
  @FunctionalInterface
  interface HeaderConsumer {
    void accept(int number, byte[] header, boolean cut);
  }

  /** The header block of message {@code n} from a whole RETR, for servers without TOP. */
  void headerByRetr(int n, long announced, BiConsumer<byte[], Boolean> headers) {
    HeaderSink sink = new HeaderSink(true);
    retrLines(n, announced, sink);
    headers.accept(sink.bytes(), sink.cut);
  }

  /**
   * RETR: the message, CRLF lines, dot-unstuffed, to {@code out}, limited to twice
   * {@code announced} plus 64 KiB and to {@link #MAX_MESSAGE_BYTES}.
   *
   * @throws MailCommandException when the announced size is already over {@link #MAX_MESSAGE_BYTES}
   *     (nothing is downloaded) or the server refuses
   * @throws MailConnectionException when the answer goes past its limit, breaks off or is late
   */
  void retr(int n, long announced, OutputStream out) {
    byte[] crlf = {'\r', '\n'};
    retrLines(n, announced, (b, off, len) -> {
      out.write(b, off, len);
      out.write(crlf);
    });
  }

  private void retrLines(int n, long announced, Pop3Session.LineSink lines) {
    if (announced > MAX_MESSAGE_BYTES) {
      throw new MailCommandException("RETR " + n, "the message is " + announced + " bytes, more than the "
          + MAX_MESSAGE_BYTES + " bytes Satchel downloads (maxMessageSize)", null);
    }
    // a size the server could not tell (-1) leaves only the absolute cap
    long max = announced < 0 ? MAX_MESSAGE_BYTES : Math.min(MAX_MESSAGE_BYTES, 2 * announced + RETR_SLACK);
    retrieved = true;
    boolean ok = session.multi("RETR " + n, "RETR " + n, "RETR", max, "maxMessageSize: twice the size LIST announced"
        + " plus " + RETR_SLACK + ", at most " + MAX_MESSAGE_BYTES, lines);
    if (!ok) {
      throw new MailCommandException("RETR " + n, "the server refused to send the message", null);
    }
  }

  /** DELE for each of {@code numbers} (pipelined where offered); returns how many the server accepted. */
  int dele(List<Integer> numbers) {
    List<String> commands = new ArrayList<>(numbers.size());
    for (int n : numbers) {
      commands.add("DELE " + n);
    }
    int accepted = 0;
    for (Pop3Session.Status s : session.pipelineStatus(commands, "DELE")) {
      if (s.ok()) {
        accepted++;
      }
    }
    return accepted;
  }

  /** True once this session sent TOP or RETR (and so may have messages marked as read). */
  boolean retrieved() {
    return retrieved;
  }

  /** RSET: unmarks every message marked for deletion in this session. */
  boolean rset() {
    return session.command("RSET", "RSET", "RSET").ok();
  }

  private long number(String text, String operation, String what) {
    if (text.isEmpty() || text.length() > 18) {
      throw session.violation(operation, "sent \"" + Pop3Session.shorten(text) + "\" where a " + what
          + " (a number of at most 18 digits) belongs");
    }
    long v = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw session.violation(operation, "sent \"" + Pop3Session.shorten(text) + "\" where a " + what + " belongs");
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** Parses "n rest" listing lines with n ascending from 1 to the count. */
  private abstract class NumberedSink implements Pop3Session.LineSink {
    final int count;
    final String command;
    int last;
    long held;

    NumberedSink(int count, String command) {
      this.count = count;
      this.command = command;
    }

    @Override
    public void line(byte[] b, int off, int len) throws IOException {
      int i = off;
      int end = off + len;
      long n = 0;
      int digits = 0;
      while (i < end && b[i] >= '0' && b[i] <= '9' && digits <= 18) {
        n = n * 10 + (b[i] - '0');
        i++;
        digits++;
      }
      if (digits == 0 || digits > 18 || i >= end || b[i] != ' ') {
        throw new ProtocolException("sent \"" + Pop3Session.shorten(new String(b, off, len, StandardCharsets.ISO_8859_1))
            + "\" in its " + command + " listing, where \"<message number> <value>\" belongs");
      }
      if (n > limits.maxMessages()) {
        throw new ServerLimitException("the server sent message number " + n + " in its " + command + " listing",
            limits.maxMessages(), "maxMessages");
      }
      if (n > count || n <= last) {
        throw new ProtocolException("sent message number " + n + " in its " + command + " listing " + (n > count
            ? "of a maildrop of " + count + " messages (STAT)" : "after message " + last + " (out of order or repeated;"
            + " answers out of step with the commands?)"));
      }
      while (i < end && b[i] == ' ') {
        i++;
      }
      held += len + ENTRY_OVERHEAD;
      if (held > limits.maxLiteral()) {
        throw new ServerLimitException("the server's " + command + " listing needs more than " + limits.maxLiteral()
            + " bytes in memory", limits.maxLiteral(), "maxLiteral");
      }
      last = (int) n;
      value((int) n, b, i, end - i);
    }

    abstract void value(int n, byte[] b, int off, int len) throws IOException;
  }

  /** Collects UIDL ids. */
  private final class UidlSink extends NumberedSink {
    private final byte[] prefix;
    private String[] ids = new String[0];
    private byte[] scratch = new byte[0];

    /** Each id is made with {@code prefix} before it, in one string. */
    UidlSink(int count, String prefix) {
      super(count, "UIDL");
      this.prefix = prefix.getBytes(StandardCharsets.US_ASCII);
      ids = new String[Math.min(count, 1024)];
      scratch = Arrays.copyOf(this.prefix, this.prefix.length + 70);
    }

    @Override
    void value(int n, byte[] b, int off, int len) throws IOException {
      if (len < 1 || len > 70) {
        throw new ProtocolException("sent a UIDL id of " + len + " characters for message " + n + " (RFC 1939: 1 to 70)");
      }
      for (int i = off; i < off + len; i++) {
        if (b[i] < 0x21 || b[i] > 0x7e) {
          throw new ProtocolException("sent a UIDL id with a character outside 0x21..0x7E for message " + n);
        }
      }
      if (n > ids.length) {
        ids = Arrays.copyOf(ids, (int) Math.min(count, Math.max(n, (long) ids.length * 2)));
      }
      System.arraycopy(b, off, scratch, prefix.length, len);
      ids[n - 1] = new String(scratch, 0, prefix.length + len, StandardCharsets.US_ASCII);
    }

    List<String> finish() {
      String[] all = ids.length == count ? ids : Arrays.copyOf(ids, count);
      for (int n = 1; n <= count; n++) {
        if (all[n - 1] == null) {
          throw new MailCommandException("UIDL", "no id for message " + n, null);
        }
      }
      return Collections.unmodifiableList(Arrays.asList(all));
    }
  }


  /** Collects LIST sizes. */
  private final class ListSink extends NumberedSink {
    private long[] sizes;

    ListSink(int count) {
      super(count, "LIST");
      sizes = new long[Math.min(count, 1024)];
      Arrays.fill(sizes, MISSING);
    }

    @Override
    void value(int n, byte[] b, int off, int len) throws IOException {
      int end = off + len;
      int i = off;
      // GreenMail says -1 for a message whose size it cannot tell: unknown, not an error
      boolean unknown = i + 1 < end && b[i] == '-' && b[i + 1] == '1' && (i + 2 == end || b[i + 2] == ' ');
      long v = 0;
      while (!unknown && i < end && b[i] >= '0' && b[i] <= '9' && i - off < 18) {
        v = v * 10 + (b[i] - '0');
        i++;
      }
      if (!unknown && (i == off || (i < end && b[i] != ' '))) {
        throw new ProtocolException("sent \"" + new String(b, off, Math.min(len, 40), StandardCharsets.ISO_8859_1)
            + "\" as the size of message " + n + " in its LIST listing");
      }
      if (n > sizes.length) {
        int before = sizes.length;
        sizes = Arrays.copyOf(sizes, (int) Math.min(count, Math.max(n, (long) sizes.length * 2)));
        Arrays.fill(sizes, before, sizes.length, MISSING);
      }
      sizes[n - 1] = unknown ? -1 : v;
    }

    long[] finish() {
      long[] out = sizes.length == count ? sizes : Arrays.copyOf(sizes, count);
      for (int n = 1; n <= count; n++) {
        if (n > sizes.length || out[n - 1] == MISSING) {
          throw new MailCommandException("LIST", "no size for message " + n, null);
        }
      }
      return out;
    }
  }

  /**
   * Keeps a header block, at most {@link #MAX_HEADER_BYTES}: every line of a TOP answer, or the lines
   * of a RETR answer up to the first empty one.
   */
  private static final class HeaderSink implements Pop3Session.LineSink {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream(1024);
    private final boolean stopAtBody;
    private boolean done;
    boolean cut;

    HeaderSink(boolean stopAtBody) {
      this.stopAtBody = stopAtBody;
    }

    @Override
    public void line(byte[] b, int off, int len) {
      if (done) {
        return;
      }
      if (kept.size() + len + 2 > MAX_HEADER_BYTES) {
        cut = true;
        done = true;
        return;
      }
      kept.write(b, off, len);
      kept.write('\r');
      kept.write('\n');
      if (len == 0 && stopAtBody) {
        done = true;
      }
    }

    byte[] bytes() {
      return kept.toByteArray();
    }
  }
}
