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
  }

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
        fetchWindow();
      }
    }
    return c;
  }

  /** Fetches the next window of chunks into {@link #chunks}. */
  private void fetchWindow() throws IOException {
    int n = window;
    if (knownSize >= 0) {
      long left = knownSize - offset;
      n = (int) Math.max(1, Math.min(window, (left + chunkSize - 1) / chunkSize));
    }
    List<String> commands = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      commands.add("UID FETCH " + uid + " (UID BODY.PEEK[" + section + "]<" + (offset + (long) i * chunkSize) + "."
          + chunkSize + ">)");
    }
    Map<Long, byte[]> byOrigin = new HashMap<>();
    List<byte[]> withoutOrigin = new ArrayList<>();
    @Nullable String[] wrong = {null};
    List<ImapResponse> done;
    try {
      done = pipeline.run(commands, r -> collect(r, byOrigin, withoutOrigin, wrong));
    } catch (MailException e) {
      throw new IOException("reading UID " + uid + " section [" + section + "] at offset " + offset + " failed: "
          + e.getMessage(), e);
    }
    String problem = wrong[0];
    if (problem != null) {
      throw new IOException(problem);
    }
    for (int i = 0; i < n; i++) {
      long at = offset;
      byte[] data = byOrigin.remove(at);
      if (data == null && at == 0 && !withoutOrigin.isEmpty()) {
        data = withoutOrigin.get(0); // a server that does not echo the origin, or ignored the range
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
  private void collect(ImapResponse r, Map<Long, byte[]> byOrigin, List<byte[]> withoutOrigin,
      @Nullable String[] wrong) {
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
        withoutOrigin.add(data);
        return;
      }
      long origin = rest.length() > 2 && rest.startsWith("<") && rest.endsWith(">")
          ? new ImapValue.Atom(rest.substring(1, rest.length() - 1)).number() : -1;
      if (origin < 0) {
        wrong[0] = "the server answered " + a.text() + " for UID " + uid + " at offset " + offset + ": not an origin";
        return;
      }
      if (origin < offset || origin >= offset + (long) window * chunkSize || (origin - offset) % chunkSize != 0) {
        wrong[0] = "the server answered a partial fetch of UID " + uid + " at offset " + origin
            + ", which was not asked for (asked from " + offset + ")";
        return;
      }
      byOrigin.put(origin, data);
    }
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
    closed = true;
    chunks.clear();
    current = null;
    pos = 0;
  }
}
