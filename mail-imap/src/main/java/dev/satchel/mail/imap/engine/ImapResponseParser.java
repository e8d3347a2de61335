package dev.satchel.mail.imap.engine;

import dev.satchel.mail.internal.ServerLimitException;
import dev.satchel.mail.internal.wire.WireReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads IMAP responses from a {@link WireReader}, one at a time, without losing any: what cannot be
 * parsed is returned with its raw text and a problem, and the reader stays in step (literals
 * announced on a broken line are still consumed). Limits are checked before anything is allocated:
 * list nesting (no unbounded recursion), the size of a literal held in memory and of all literals
 * held for one response, and the number of items in one response. Larger literals go to a {@link LiteralSink} that streams them (a 50 MB body
 * is never held whole), or end the connection with a {@link ServerLimitException} naming the limit.
 *
 * <p>Not thread-safe: one engine reads.
 */
public final class ImapResponseParser {
  private static final Set<String> STATUS = Set.of("OK", "NO", "BAD", "BYE", "PREAUTH");
  private static final int RAW_MAX = 2000;

  /**
   * What one response may hold.
   *
   * @param maxDepth deepest list nesting (a BODYSTRUCTURE nests a few levels per MIME level)
   * @param maxLiteralInMemory largest literal kept in memory when no sink takes it
   * @param maxItems most atoms, strings and lists in one response (a SEARCH answer has one per UID)
   * @param maxHeldBytes most literal bytes held in memory for one response, all literals together
   *     (without it, a response of many literals each under {@code maxLiteralInMemory} could fill the
   *     heap)
   */
  public record Limits(int maxDepth, long maxLiteralInMemory, int maxItems, long maxHeldBytes) {
    /** 64 levels, 16 MiB per literal, 2 million items (a 16 MiB SEARCH line), 64 MiB held per response. */
    public static final Limits DEFAULT = new Limits(64, 16L << 20, 2_000_000, 64L << 20);

    /** Checks that each limit is positive. */
    public Limits {
      if (maxDepth < 1 || maxLiteralInMemory < 0 || maxItems < 1 || maxHeldBytes < maxLiteralInMemory) {
        throw new IllegalArgumentException("limits must be positive and maxHeldBytes >= maxLiteralInMemory, were "
            + maxDepth + ", " + maxLiteralInMemory + ", " + maxItems + ", " + maxHeldBytes);
      }
    }
  }

  /** Takes a literal as a stream instead of memory. */
  @FunctionalInterface
  public interface LiteralSink {
    /**
     * Offered each literal larger than the in-memory limit.
     *
     * @param before the atom before the literal, for example {@code BODY[]<0>}, or null
     * @param size the literal's announced size
     * @param body the literal's bytes; whatever is not read is skipped afterwards
     * @return true when the sink took it; false leaves it to the parser's limit
     */
    boolean accept(ImapValue.@Nullable Atom before, long size, InputStream body) throws IOException;
  }

  /** A syntax error in one response: recorded as its problem, never thrown to the caller. */
  private static final class Broken extends Exception {
    private static final long serialVersionUID = 1L;

    Broken(String message) {
      super(message, null, false, false);
    }
  }

  private final WireReader reader;
  private final Limits limits;
  private byte[] line = new byte[0];
  private int len;
  private int pos;
  private int itemCount;
  private long heldBytes;
  private @Nullable LiteralSink sink;

  /** A parser reading from {@code reader} within {@code limits}. */
  public ImapResponseParser(WireReader reader, Limits limits) {
    this.reader = reader;
    this.limits = limits;
  }

  /** True for the status words OK, NO, BAD, BYE and PREAUTH (any case). */
  static boolean isStatus(String word) {
    return STATUS.contains(word.toUpperCase(Locale.ROOT));
  }

  /**
   * The next response, or null when the server closed the connection between responses.
   *
   * @param sink takes literals larger than the in-memory limit, or null
   * @throws ServerLimitException when the response passes a limit; the connection cannot go on
   * @throws EOFException when the connection ends inside a response
   */
  public @Nullable ImapResponse next(@Nullable LiteralSink sink) throws IOException {
    this.sink = sink;
    if (!nextLine()) {
      return null;
    }
    itemCount = 0;
    heldBytes = 0;
    String raw = text(0, Math.min(len, RAW_MAX));
    if (len > 0 && line[0] == '+') {
      pos = Math.min(len, len > 1 && line[1] == ' ' ? 2 : 1);
      return new ImapResponse(ImapResponse.Kind.CONTINUATION, null, List.of(), null, text(pos, len), raw, null);
    }
    int sp = indexOf(' ', 0);
    String tag = text(0, sp < 0 ? len : sp);
    boolean untagged = tag.equals("*");
    pos = sp < 0 ? len : sp + 1;
    ImapResponse.Kind kind = untagged ? ImapResponse.Kind.UNTAGGED : ImapResponse.Kind.TAGGED;
    List<ImapValue> items = new ArrayList<>();
    try {
      if (tag.isEmpty() || sp < 0) {
        throw new Broken("no tag or no content");
      }
      int wordEnd = indexOf(' ', pos);
      String first = text(pos, wordEnd < 0 ? len : wordEnd);
      if (isStatus(first)) {
        items.add(new ImapValue.Atom(first));
        pos = wordEnd < 0 ? len : wordEnd + 1;
        List<ImapValue> code = null;
        if (pos < len && line[pos] == '[') {
          code = code();
        }
        String text = pos < len ? text(pos, len).stripLeading() : "";
        return new ImapResponse(kind, untagged ? null : tag, List.copyOf(items), code, text, raw, null);
      }
      if (untagged && first.equalsIgnoreCase("SEARCH")) {
        items.add(new ImapValue.Atom(first));
        pos = wordEnd < 0 ? len : wordEnd + 1;
        items.add(numbers());
      }
      parseItems(items, 0, false);
      return new ImapResponse(kind, untagged ? null : tag, List.copyOf(items), null, "", raw, null);
    } catch (Broken b) {
      drain();
      return new ImapResponse(kind, untagged ? null : tag, List.copyOf(items), null, "", raw, b.getMessage()
          + " at byte " + pos);
    }
  }

  private boolean nextLine() throws IOException {
    int n = reader.readLine();
    if (n < 0) {
      return false;
    }
    line = reader.line();
    len = n;
    pos = 0;
    return true;
  }

  /** The response code between [ and ]; the brackets may hold spaces, parentheses and quotes. */
  private List<ImapValue> code() throws Broken, IOException {
    int start = pos + 1;
    int depth = 0;
    boolean quoted = false;
    for (int i = pos; i < len; i++) {
      byte c = line[i];
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '[') {
        depth++;
      } else if (c == ']' && --depth == 0) {
        int saveLen = len;
        List<ImapValue> code = new ArrayList<>();
        pos = start;
        len = i;
        try {
          parseItems(code, 0, false);
        } catch (Broken b) {
          code = List.of(new ImapValue.Atom(text(start, i)));
        } finally {
          len = saveLen;
        }
        pos = i + 1;
        if (pos < len && line[pos] == ' ') {
          pos++;
        }
        return List.copyOf(code);
      }
    }
    throw new Broken("unterminated response code");
  }

  private void parseItems(List<ImapValue> into, int depth, boolean inList) throws Broken, IOException {
    while (true) {
      if (pos >= len) {
        if (inList) {
          throw new Broken("list not closed before the end of the line");
        }
        return;
      }
      byte c = line[pos];
      switch (c) {
        case ' ' -> pos++;
        case '(' -> {
          if (depth + 1 > limits.maxDepth()) {
            throw new ServerLimitException("the server nested lists deeper than " + limits.maxDepth() + " levels",
                limits.maxDepth(), "maxDepth");
          }
          pos++;
          List<ImapValue> sub = new ArrayList<>();
          parseItems(sub, depth + 1, true);
          add(into, new ImapValue.ListValue(sub));
        }
        case ')' -> {
          if (!inList) {
            throw new Broken("')' without '('");
          }
          pos++;
          return;
        }
        case '"' -> add(into, quoted());
        case '{' -> add(into, literal(into));
        default -> {
          if (c == '~' && pos + 1 < len && line[pos + 1] == '{') {
            pos++;
            add(into, literal(into));
          } else {
            ImapValue.Atom atom = atom();
            add(into, atom.is("NIL") ? ImapValue.Nil.NIL : atom);
          }
        }
      }
    }
  }

  /**
   * The numbers at {@code pos}, up to the first token that is not one (a SEARCH answer's
   * {@code (MODSEQ n)}, say), which is left for the generic parse. Each counts as an item.
   */
  private ImapValue.Numbers numbers() throws ServerLimitException {
    long[] out = new long[16];
    int n = 0;
    while (pos < len) {
      if (line[pos] == ' ') {
        pos++;
        continue;
      }
      int start = pos;
      long v = 0;
      while (pos < len && line[pos] >= '0' && line[pos] <= '9' && pos - start < 10) {
        v = v * 10 + (line[pos] - '0');
        pos++;
      }
      if (pos == start || (pos < len && line[pos] != ' ')) {
        pos = start; // not a plain number: the generic parse takes it from here
        break;
      }
      if (++itemCount > limits.maxItems()) {
        throw new ServerLimitException("the server sent more than " + limits.maxItems() + " items in one response",
            limits.maxItems(), "maxItems");
      }
      if (n == out.length) {
        out = java.util.Arrays.copyOf(out, Math.min(limits.maxItems(), out.length * 2));
      }
      out[n++] = v;
    }
    return new ImapValue.Numbers(java.util.Arrays.copyOf(out, n));
  }

  private void add(List<ImapValue> into, ImapValue v) throws ServerLimitException {
    if (++itemCount > limits.maxItems()) {
      throw new ServerLimitException("the server sent more than " + limits.maxItems() + " items in one response",
          limits.maxItems(), "maxItems");
    }
    into.add(v);
  }

  private ImapValue.Str quoted() throws Broken {
    pos++;
    for (int i = pos; i < len; i++) { // the common case: no escapes, one copy
      byte c = line[i];
      if (c == '"') {
        byte[] bytes = java.util.Arrays.copyOfRange(line, pos, i);
        pos = i + 1;
        return new ImapValue.Str(bytes, false);
      }
      if (c == '\\') {
        break;
      }
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    while (pos < len) {
      byte c = line[pos++];
      if (c == '"') {
        return new ImapValue.Str(out.toByteArray(), false);
      }
      if (c == '\\' && pos < len) {
        c = line[pos++];
      }
      out.write(c);
    }
    throw new Broken("quoted string not closed");
  }

  /** An atom; brackets may hold spaces and parentheses ({@code BODY[HEADER.FIELDS (FROM)]<0>}). */
  private ImapValue.Atom atom() throws Broken {
    int start = pos;
    int brackets = 0;
    while (pos < len) {
      byte c = line[pos];
      if (c == '[') {
        brackets++;
      } else if (c == ']') {
        brackets--;
      } else if (brackets <= 0 && (c == ' ' || c == '(' || c == ')' || c == '"' || c == '{')) {
        break;
      }
      pos++;
    }
    if (pos == start) {
      throw new Broken("unexpected '" + (char) line[pos] + "'");
    }
    if (brackets > 0) {
      throw new Broken("'[' not closed");
    }
    return new ImapValue.Atom(text(start, pos));
  }

  /** A literal announced at the end of the line: {n}, {n+} (LITERAL+) or ~{n} (binary). */
  private ImapValue literal(List<ImapValue> before) throws Broken, IOException {
    long size = literalSize(pos);
    if (size < 0) {
      throw new Broken("malformed literal");
    }
    ImapValue.Atom prev = !before.isEmpty() && before.get(before.size() - 1) instanceof ImapValue.Atom a ? a : null;
    ImapValue value;
    if (size <= limits.maxLiteralInMemory()) {
      if (heldBytes + size > limits.maxHeldBytes()) {
        throw new ServerLimitException("the server sent literals of more than " + limits.maxHeldBytes()
            + " bytes in one response", limits.maxHeldBytes(), "maxHeldBytes");
      }
      heldBytes += size;
      byte[] bytes = new byte[(int) size];
      try (InputStream block = reader.block(size)) {
        int off = 0;
        while (off < bytes.length) {
          int n = block.read(bytes, off, bytes.length - off);
          if (n < 0) {
            throw new EOFException("the connection ended inside a literal");
          }
          off += n;
        }
      }
      value = new ImapValue.Str(bytes, true);
    } else {
      LiteralSink s = sink;
      if (s == null) {
        // refused before the literal is opened: closing it would skip its bytes first, waiting up to
        // the read timeout for a server that announced more than it sends, on a connection that is
        // closed anyway
        throw new ServerLimitException("the server announced a literal of " + size + " bytes",
            limits.maxLiteralInMemory(), "maxLiteral");
      }
      boolean taken;
      try (InputStream block = reader.block(size)) {
        taken = s.accept(prev, size, block);
        if (!taken) {
          throw new ServerLimitException("the server announced a literal of " + size + " bytes",
              limits.maxLiteralInMemory(), "maxLiteral");
        }
      }
      value = new ImapValue.Streamed(size);
    }
    if (!nextLine()) {
      throw new EOFException("the connection ended after a literal, inside a response");
    }
    return value;
  }

  /** The size of a literal announcement starting at {@code at} that ends the line, or -1. */
  private long literalSize(int at) {
    int i = at + 1;
    long size = 0;
    int digits = 0;
    while (i < len && line[i] >= '0' && line[i] <= '9') {
      size = size * 10 + (line[i] - '0');
      if (++digits > 18) {
        return -1;
      }
      i++;
    }
    if (i < len && (line[i] == '+' || line[i] == '-')) {
      i++;
    }
    return digits > 0 && i == len - 1 && line[i] == '}' ? size : -1;
  }

  /** Skips the rest of a broken response, consuming any literal it announces so the reader stays in step. */
  private void drain() throws IOException {
    while (true) {
      int brace = len > 0 && line[len - 1] == '}' ? lastIndexOf('{') : -1;
      long size = brace < 0 ? -1 : literalSize(brace);
      if (size < 0) {
        return;
      }
      if (size > limits.maxLiteralInMemory()) {
        throw new ServerLimitException("the server announced a literal of " + size + " bytes in a response that could"
            + " not be read", limits.maxLiteralInMemory(), "maxLiteral");
      }
      reader.block(size).close();
      if (!nextLine()) {
        throw new EOFException("the connection ended inside a response");
      }
    }
  }

  private int indexOf(char c, int from) {
    for (int i = from; i < len; i++) {
      if (line[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private int lastIndexOf(char c) {
    for (int i = len - 1; i >= 0; i--) {
      if (line[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private String text(int from, int to) {
    return new String(line, from, Math.max(0, to - from), StandardCharsets.ISO_8859_1);
  }
}
