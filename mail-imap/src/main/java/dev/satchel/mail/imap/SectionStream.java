package dev.satchel.mail.imap;

import dev.satchel.mail.MailException;
import dev.satchel.mail.imap.engine.ImapResponse;
import dev.satchel.mail.imap.engine.ImapValue;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Streams one body section of one message ({@code ""} for the whole message) on Satchel's IMAP
 * engine, in chunks: {@code UID FETCH uid (UID BODY.PEEK[section]<offset.chunk>)}, up to
 * {@code window} of them sent at once, and all their answers read before any byte is returned, so no
 * command is left in flight between two reads and the connection can run other commands meanwhile.
 * The message is never marked seen. At most {@code window * chunkSize} bytes are held.
 *
 * <p>The stream ends at the first chunk shorter than asked. Every answer is checked: it must be a
 * FETCH for this UID carrying {@code BODY[section]<offset>} for the offset asked and no more than
 * {@code chunkSize} bytes; otherwise {@link #read()} throws an {@link IOException} naming the UID and
 * the offset, never returning wrong bytes. One leniency: a server that ignores the range and answers
 * the first command with the whole section (larger than a chunk, without an origin) is taken at its
 * word, and the stream ends after it.
 *
 * <pre>{@code
 * try (InputStream in = new SectionStream(session::pipeline, 7, "1.2", 1 << 20, 4, -1)) {
 *   in.transferTo(out);
 * }
 * }</pre>
 *
 * <p>Not thread-safe; the connection behind the pipeline must not be used by another thread during
 * a read.
 */
final class SectionStream extends InputStream {
  /** Sections that may be fetched: a part number, optionally with HEADER, TEXT or MIME, or HEADER / TEXT / "". */
  private static final Pattern SECTION =
      Pattern.compile("|[1-9][0-9]*(\\.[1-9][0-9]*)*(\\.(HEADER|TEXT|MIME))?|HEADER|TEXT", Pattern.CASE_INSENSITIVE);
  /** The largest chunk: a chunk is one literal, and the engine holds literals up to 16 MiB. */
  static final int MAX_CHUNK = 16 * 1024 * 1024;

  /** Runs tagless commands pipelined, as {@code ImapSession.pipeline} does. */
  @FunctionalInterface
  interface Pipeline {
    /**
     * Sends every command at once and reads all their answers.
     *
     * @return the tagged completions, in the order of {@code commands}
     */
    List<ImapResponse> run(List<String> commands, Consumer<ImapResponse> untagged);

    /**
     * Sends the commands now and reads their answers when {@link Sent#complete()} is called (or
     * earlier, before the connection runs anything else). By default at once, like {@link #run}.
     */
    default Sent send(List<String> commands, Consumer<ImapResponse> untagged) {
      List<ImapResponse> done = run(commands, untagged);
      return () -> done;
    }
  }

  /** Commands sent ahead. */
  @FunctionalInterface
  interface Sent {
    /** Their tagged completions, in order, once every answer was read. */
    List<ImapResponse> complete();
  }

  /** One window of partial fetches: what was asked, and the answers as they come. */
  private final class Window {
    final int count;
    final long start;
    final Map<Long, byte[]> byOrigin = new HashMap<>();
    final List<byte[]> withoutOrigin = new ArrayList<>();
    final @Nullable String[] wrong = {null};
    @Nullable Sent sent;

    Window(int count, long start) {
      this.count = count;
      this.start = start;
    }
  }

  /** The window sent ahead while the caller reads the one before, or null. */
  private @Nullable Window ahead;

  private final Pipeline pipeline;
  private final long uid;
  private final String section;
  private final String itemName;
  private final int chunkSize;
  private final int window;
  private final long knownSize;
  private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
  private byte @Nullable [] current;
  private int pos;
  private long offset;
  private boolean eof;
  private boolean closed;

  /**
   * A stream of {@code section} of message {@code uid}.
   *
   * @param chunkSize bytes per command, 1 to 16 MiB
   * @param window commands sent at once, 1 to 1024
   * @param knownSize the section's size when known (only used to send no more commands than needed),
   *     or -1
   * @throws IllegalArgumentException when an argument is out of range or the section is not one
   */
  SectionStream(Pipeline pipeline, long uid, String section, int chunkSize, int window, long knownSize) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    if (uid < 1 || uid > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("uid must be 1..4294967295, was " + uid);
    }
    if (!SECTION.matcher(section).matches()) {
      throw new IllegalArgumentException("section must be a part number like 1.2 (optionally .HEADER, .TEXT or .MIME),"
          + " HEADER, TEXT or empty, was \"" + section.replaceAll("\\p{Cntrl}", "?") + "\"");
    }
    if (chunkSize < 1 || chunkSize > MAX_CHUNK) {
      throw new IllegalArgumentException("chunkSize must be 1.." + MAX_CHUNK + ", was " + chunkSize);
    }
    if (window < 1 || window > 1024) {
      throw new IllegalArgumentException("window must be 1..1024, was " + window);
    }
    this.uid = uid;
    this.section = section.toUpperCase(Locale.ROOT);
    this.itemName = "BODY[" + this.section + "]";
    this.chunkSize = chunkSize;
    this.window = window;
    this.knownSize = knownSize < 0 ? -1 : knownSize;
  }

  /** The chunk holding the next byte, or null at the end. */
  private byte @Nullable [] fill() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    byte[] c = current;
    while (c == null || pos >= c.length) {
      c = chunks.poll();
      current = c;
      pos = 0;
      if (c == null) {
        if (eof) {
          return null;
        }
        Window w = ahead != null ? ahead : startWindow(offset);
        ahead = null;
        long next = w.start + (long) w.count * chunkSize;
        if (knownSize < 0 || next < knownSize) {
          // the next window is asked for before this one is read, so the server always has work:
          // it sends the next window while this one is parsed and read by the caller
          ahead = startWindow(next);
        }
        finishWindow(w);
        Window after = ahead;
        if (eof && after != null) {
          ahead = null;
          Objects.requireNonNull(after.sent).complete(); // past the end: read and dropped
        }
      }
    }
    return c;
  }

  /** Sends the partial fetches of a window from byte {@code start}. */
  private Window startWindow(long start) throws IOException {
    int n = window;
    if (knownSize >= 0) {
      long left = knownSize - start;
      n = (int) Math.max(1, Math.min(window, (left + chunkSize - 1) / chunkSize));
    }
    List<String> commands = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      commands.add("UID FETCH " + uid + " (UID BODY.PEEK[" + section + "]<" + (start + (long) i * chunkSize) + "."
          + chunkSize + ">)");
    }
    Window w = new Window(n, start);
    try {
      w.sent = pipeline.send(commands, r -> collect(r, w));
    } catch (MailException e) {
      throw new IOException("reading UID " + uid + " section [" + section + "] at offset " + offset + " failed: "
          + e.getMessage(), e);
    }
    return w;
  }

  /** Reads a window's answers, checks them and queues its chunks in {@link #chunks}. */
  private void finishWindow(Window w) throws IOException {
    List<ImapResponse> done;
    try {
      done = Objects.requireNonNull(w.sent).complete();
    } catch (MailException e) {
      throw new IOException("reading UID " + uid + " section [" + section + "] at offset " + w.start + " failed: "
          + e.getMessage(), e);
    }
    String problem = w.wrong[0];
    if (problem != null) {
      throw new IOException(problem);
    }
    for (int i = 0; i < w.count; i++) {
      long at = offset;
      byte[] data = w.byOrigin.remove(at);
      if (data == null && at == 0 && !w.withoutOrigin.isEmpty()) {
        data = w.withoutOrigin.get(0); // a server that does not echo the origin, or ignored the range
        if (data.length > chunkSize) {
          add(data);
          eof = true;
          return;
        }
      }
      if (data == null) {
        ImapResponse completion = i < done.size() ? done.get(i) : null;
        if (completion != null && !completion.is("OK")) {
          throw new IOException("the server refused " + itemName + " of UID " + uid + " at offset " + at + ": "
              + completion.raw());
        }
        throw new IOException("message UID " + uid + " is gone: the server sent no " + itemName + " at offset " + at);
      }
      if (data.length > chunkSize) {
        throw new IOException("the server answered " + data.length + " bytes for " + itemName + " of UID " + uid
            + " at offset " + at + " where " + chunkSize + " were asked");
      }
      add(data);
      if (data.length < chunkSize) {
        eof = true;
        return;
      }
    }
  }

  private void add(byte[] data) {
    offset += data.length;
    if (data.length > 0) {
      chunks.add(data);
    }
  }

  /** Takes one untagged answer: data for this UID and section by its origin; anything else is ignored. */
  private void collect(ImapResponse r, Window w) {
    List<byte[]> withoutOrigin = w.withoutOrigin;
    @Nullable String[] wrong = w.wrong;
    long offset = w.start;
    ImapValue.ListValue items = EngineFetch.fetchItems(r);
    if (items == null || EngineFetch.uid(items) != uid || wrong[0] != null) {
      return; // another message's flag change, EXISTS, EXPUNGE, ...
    }
    List<ImapValue> l = items.items();
    for (int i = 0; i + 1 < l.size(); i += 2) {
      if (!(l.get(i) instanceof ImapValue.Atom a) || !a.text().regionMatches(true, 0, itemName, 0, itemName.length())) {
        continue;
      }
      String rest = a.text().substring(itemName.length());
      ImapValue v = l.get(i + 1);
      byte[] data = v instanceof ImapValue.Str s ? s.bytes() : v == ImapValue.Nil.NIL ? new byte[0] : null;
      if (data == null) {
        wrong[0] = "the server answered " + a.text() + " of UID " + uid + " with something that is no string";
        return;
      }
      if (rest.isEmpty()) {
        // kept only where it can be used (the whole section answered to the first command); never held
        // more than once, so a server answering every chunk with the whole section costs one copy
        if (w.start == 0 && withoutOrigin.isEmpty()) {
          withoutOrigin.add(data);
        }
        return;
      }
      long origin = rest.length() > 2 && rest.startsWith("<") && rest.endsWith(">")
          ? new ImapValue.Atom(rest.substring(1, rest.length() - 1)).number() : -1;
      if (origin < 0) {
        wrong[0] = "the server answered " + a.text() + " for UID " + uid + " at offset " + offset + ": not an origin";
        return;
      }
      // a server may answer the window sent ahead before it completes this one (Dovecot does): such
      // data goes to that window
      Window target = asked(w, origin) ? w : ahead != null && ahead != w && asked(ahead, origin) ? ahead : null;
      if (target == null) {
        wrong[0] = "the server answered a partial fetch of UID " + uid + " at offset " + origin
            + ", which was not asked for (asked from " + offset + ")";
        return;
      }
      if (data.length > chunkSize) {
        wrong[0] = "the server answered " + data.length + " bytes for " + itemName + " of UID " + uid + " at offset "
            + origin + " where " + chunkSize + " were asked";
        return;
      }
      target.byOrigin.put(origin, data);
    }
  }

  /** True when {@code w} asked for the chunk at {@code origin}. */
  private boolean asked(Window w, long origin) {
    return origin >= w.start && origin < w.start + (long) w.count * chunkSize && (origin - w.start) % chunkSize == 0;
  }

  @Override
  public int read() throws IOException {
    byte[] c = fill();
    return c == null ? -1 : c[pos++] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    byte[] c = fill();
    if (c == null) {
      return -1;
    }
    int n = Math.min(len, c.length - pos);
    System.arraycopy(c, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public int available() {
    byte[] c = current;
    int n = c == null ? 0 : c.length - pos;
    for (byte[] held : chunks) {
      n += held.length;
    }
    return n;
  }

  /** Drops what is held; idempotent. Reading afterwards throws. */
  @Override
  public void close() {
    Window w = ahead;
    ahead = null;
    if (w != null && w.sent != null && !closed) {
      try {
        w.sent.complete(); // the answers are read now and dropped, not left for the next command
      } catch (RuntimeException e) {
        // the connection failed; the mailbox reports that on its next call
      }
    }
    closed = true;
    chunks.clear();
    current = null;
    pos = 0;
  }
}
