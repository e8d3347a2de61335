package dev.satchel.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class ImapResponseGuardTest {
  private static final WireLimits SMALL = new WireLimits(100, 200, 1000, 50, 8, 5, 20, 64);

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void feed(ImapResponseGuard g, byte[] bytes, int chunk) throws IOException {
    for (int i = 0; i < bytes.length; i += chunk) {
      g.received(bytes, i, Math.min(chunk, bytes.length - i));
    }
  }

  /** {@code count} well-formed responses with nesting, quoted strings and literals holding any bytes. */
  static byte[] responses(long seed, int count) {
    Random r = new Random(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      switch (r.nextInt(3)) {
        case 0 -> out.writeBytes(ascii("A" + i + " OK done\r\n"));
        case 1 -> out.writeBytes(ascii("* OK [UIDNEXT " + r.nextInt(1000) + "] fine\r\n"));
        default -> {
          out.writeBytes(ascii("* " + (1 + r.nextInt(1000)) + " FETCH "));
          item(r, out, 0);
          // literal data ending in "{5}" right before CR LF would announce another literal, to Angus too
          out.writeBytes(ascii(" NIL\r\n"));
        }
      }
    }
    return out.toByteArray();
  }

  private static void item(Random r, ByteArrayOutputStream out, int depth) {
    int kind = depth >= 12 ? 1 + r.nextInt(3) : r.nextInt(4);
    switch (kind) {
      case 0 -> {
        out.write('(');
        int n = r.nextInt(4);
        for (int k = 0; k < n; k++) {
          if (k > 0) {
            out.write(' ');
          }
          item(r, out, depth + 1);
        }
        out.write(')');
      }
      case 1 -> {
        out.write('"');
        for (int k = r.nextInt(12); k > 0; k--) {
          char c = "ab ({})\"\\~*".charAt(r.nextInt(11));
          if (c == '"' || c == '\\') {
            out.write('\\');
          }
          out.write(c);
        }
        out.write('"');
      }
      case 2 -> {
        byte[] data = new byte[r.nextInt(40)];
        for (int k = 0; k < data.length; k++) {
          data[k] = (byte) "({\r\n\"x})-5+~".charAt(r.nextInt(12));
        }
        out.writeBytes(ascii((r.nextBoolean() ? "~{" : "{") + data.length + "}\r\n"));
        out.writeBytes(data);
      }
      default -> out.writeBytes(ascii(r.nextBoolean() ? "NIL" : "ATOM" + r.nextInt(99)));
    }
  }

  @Test
  void followsWellFormedResponsesWhateverTheChunking() {
    qt().forAll(longs().all(), integers().between(1, 40), integers().between(1, 64)).checkAssert((seed, count, chunk) -> {
      ImapResponseGuard g = new ImapResponseGuard(WireLimits.DEFAULT);
      try {
        feed(g, responses(seed, count), chunk);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      assertThat(g.completed()).isEqualTo((long) count);
    });
  }

  @Test
  void followsResponsesAfterCompressDeflate() {
    qt().withExamples(100).forAll(longs().all(), integers().between(1, 40), integers().between(1, 64))
        .checkAssert((seed, count, chunk) -> {
          ImapResponseGuard g = new ImapResponseGuard(WireLimits.DEFAULT);
          byte[] command = ascii("C7 COMPRESS DEFLATE\r\n");
          g.sent(command, 0, command.length);
          try {
            feed(g, ascii("C7 OK [COMPRESSIONACTIVE] begin\r\n"), chunk);
            feed(g, deflate(responses(seed, count)), chunk);
          } catch (IOException e) {
            throw new AssertionError(e);
          } finally {
            g.release();
          }
          assertThat(g.completed()).isEqualTo(count + 1L);
        });
  }

  @Test
  void checksLimitsInsideCompressedData() throws IOException {
    ImapResponseGuard g = new ImapResponseGuard(WireLimits.DEFAULT);
    byte[] command = ascii("C1 COMPRESS DEFLATE\r\n");
    g.sent(command, 0, command.length);
    feed(g, ascii("C1 OK go\r\n"), 3);
    assertThatThrownBy(() -> feed(g, deflate(ascii("* 2000000000 EXISTS\r\n")), 5))
        .isInstanceOf(ServerLimitException.class).hasMessageContaining("maxMessages");
  }

  @Test
  void anAppendedMessageIsNotTakenForACompressCommand() throws IOException {
    ImapResponseGuard g = new ImapResponseGuard(WireLimits.DEFAULT);
    byte[] append = ascii("A1 APPEND INBOX {23}\r\nA2 COMPRESS DEFLATE\r\n\r\n");
    g.sent(append, 0, append.length);
    feed(g, ascii("+ go\r\nA1 OK appended\r\nA2 OK plain\r\n* 3 EXISTS\r\n"), 4);
    assertThat(g.completed()).isEqualTo(4);
  }

  @Test
  void refusesALiteralAboveTheLimitAndAcceptsOneAtIt() throws IOException {
    ImapResponseGuard ok = new ImapResponseGuard(SMALL);
    byte[] body = new byte[100];
    feed(ok, ascii("* 1 FETCH (BODY[] {100}\r\n"), 7);
    feed(ok, body, 7);
    feed(ok, ascii(")\r\n"), 7);
    assertThat(ok.completed()).isEqualTo(1);
    assertThatThrownBy(() -> feed(new ImapResponseGuard(SMALL), ascii("* 1 FETCH (BODY[] {101}\r\n"), 1))
        .hasMessage("the server announced a literal of 101 bytes; the limit is 100 (maxLiteral)");
    assertThatThrownBy(() -> feed(new ImapResponseGuard(SMALL), ascii("* 1 FETCH (BODY[] {99999999999999999999999}\r\n"), 9))
        .hasMessageContaining("maxLiteral");
    assertThatThrownBy(() -> feed(new ImapResponseGuard(SMALL), ascii("A1 APPEND {500+}\r\n"), 9))
        .hasMessageContaining("maxLiteral");
  }

  @Test
  void followsAngusInFindingALiteralWhoseBraceWasInAnEarlierLiteral() {
    // Angus looks back to the response's last '{', even inside literal data: this announces 9 bytes
    assertThatThrownBy(() -> feed(new ImapResponseGuard(new WireLimits(8, 200, 1000, 50, 8, 5, 20, 64)),
        ascii("* 1 FETCH (BODY[] {3}\r\nx{9}\r\n"), 2)).hasMessageContaining("a literal of 9 bytes");
  }

  @Test
  void refusesNumbersCountsNestingAndLinesAboveTheLimits() {
    assertThatThrownBy(() -> feed(new ImapResponseGuard(SMALL), ascii("* 51 EXPUNGE\r\n"), 1))
        .hasMessageContaining("* 51 EXPUNGE").hasMessageContaining("maxMessages");
    assertThatThrownBy(() -> feed(new ImapResponseGuard(SMALL), ascii("* 1 FETCH ((((((((( x\r\n"), 4))
        .hasMessageContaining("maxNesting");
    assertThatThrownBy(() -> feed(new ImapResponseGuard(SMALL), ascii("* OK " + "a".repeat(300) + "\r\n"), 50))
        .hasMessageContaining("maxLine");
    assertThatThrownBy(() -> feed(new ImapResponseGuard(SMALL), ascii("* OK x\r\n".repeat(6)), 5))
        .hasMessageContaining("maxUntaggedStatus");
    assertThatThrownBy(() -> feed(new ImapResponseGuard(SMALL), ascii("* 3 EXISTS\r\n".repeat(21)), 5))
        .hasMessageContaining("maxUntaggedData");
  }

  @Test
  void aTaggedResponseResetsTheUntaggedCountsAndLiteralDataIsNotParsed() throws IOException {
    ImapResponseGuard g = new ImapResponseGuard(SMALL);
    for (int i = 0; i < 10; i++) {
      feed(g, ascii("* OK a\r\n* OK b\r\n* OK c\r\nA" + i + " OK done\r\n"), 3);
    }
    feed(g, ascii("* 1 FETCH (BODY[] {40}\r\n" + "((((((((((".repeat(4) + ")\r\n"), 6);
    assertThat(g.completed()).isEqualTo(41);
  }

  private static byte[] deflate(byte[] plain) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(plain);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    int n;
    while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
      out.write(buf, 0, n);
    }
    d.end();
    return out.toByteArray();
  }
}
