package dev.satchel.mail.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.satchel.mail.internal.ServerLimitException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireReaderTest {
  /** An input that hands out at most {@code chunk} bytes per read, as a network does. */
  private static InputStream chunked(byte[] data, int chunk) {
    return new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void readsEveryLineWhateverTheChunking() {
    qt().withExamples(500).forAll(lists().of(strings().basicLatinAlphabet().ofLengthBetween(0, 80)).ofSizeBetween(0, 30),
        integers().between(1, 50), integers().between(16, 64)).checkAssert((lines, chunk, bufferSize) -> {
          StringBuilder wire = new StringBuilder();
          List<String> expected = new ArrayList<>();
          for (String l : lines) {
            String clean = l.replace("\r", "").replace("\n", "");
            expected.add(clean);
            wire.append(clean).append(clean.length() % 2 == 0 ? "\r\n" : "\n"); // bare LF too
          }
          WireReader r = new WireReader(chunked(ascii(wire.toString()), chunk), bufferSize, 100);
          List<String> got = new ArrayList<>();
          try {
            while (r.readLine() >= 0) {
              got.add(r.lineText());
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          assertThat(got).isEqualTo(expected);
        });
  }

  @Test
  void aLineLongerThanTheLimitFailsNamingTheLimitWithoutBufferingIt() throws IOException {
    byte[] longLine = new byte[10_000];
    Arrays.fill(longLine, (byte) 'x');
    WireReader r = new WireReader(chunked(longLine, 512), 64, 1000);
    assertThatThrownBy(r::readLine).isInstanceOf(ServerLimitException.class).hasMessageContaining("longer than 1000 bytes")
        .hasMessageContaining("maxLine");
    assertThat(r.bytesRead()).isLessThan(2000);
    WireReader exact = new WireReader(chunked(ascii("x".repeat(1000) + "\r\n"), 7), 64, 1000);
    assertThat(exact.readLine()).isEqualTo(1000);
  }

  @Test
  void aBlockStreamsItsBytesAndTheLineAfterItFollows() throws IOException {
    qt().withExamples(300).forAll(integers().between(0, 5000), integers().between(1, 700)).checkAssert((size, chunk) -> {
      byte[] body = new byte[size];
      for (int i = 0; i < size; i++) {
        body[i] = (byte) (i * 31);
      }
      ByteArrayOutputStream wire = new ByteArrayOutputStream();
      wire.writeBytes(ascii("* 1 FETCH (BODY[] {" + size + "}\r\n"));
      wire.writeBytes(body);
      wire.writeBytes(ascii(")\r\na1 OK done\r\n"));
      try {
        WireReader r = new WireReader(chunked(wire.toByteArray(), chunk), 64, 200);
        r.readLine();
        assertThat(r.lineText()).endsWith("{" + size + "}");
        InputStream block = r.block(size);
        assertThat(block.readAllBytes()).isEqualTo(body);
        r.readLine();
        assertThat(r.lineText()).isEqualTo(")");
        r.readLine();
        assertThat(r.lineText()).isEqualTo("a1 OK done");
        assertThat(r.readLine()).isEqualTo(-1);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  @Test
  void closingABlockSkipsItsRest() throws IOException {
    WireReader r = new WireReader(chunked(ascii("0123456789\r\nnext\r\n"), 3), 16, 100);
    InputStream block = r.block(12);
    assertThat(block.read()).isEqualTo('0');
    assertThatThrownBy(r::readLine).isInstanceOf(IllegalStateException.class);
    block.close();
    r.readLine();
    assertThat(r.lineText()).isEqualTo("next");
  }

  @Test
  void theInputEndingInsideALineOrABlockIsAnError() throws IOException {
    assertThatThrownBy(() -> new WireReader(chunked(ascii("* OK no end"), 4), 16, 100).readLine())
        .isInstanceOf(EOFException.class);
    WireReader r = new WireReader(chunked(ascii("abc"), 4), 16, 100);
    InputStream block = r.block(1_500_000_000L);
    assertThatThrownBy(block::readAllBytes).isInstanceOf(EOFException.class).hasMessageContaining("still to come");
  }

  @Test
  void bytesAheadOfATlsSwitchAreRefused() throws IOException {
    WireReader r = new WireReader(chunked(ascii("a1 OK begin TLS\r\n* injected\r\n"), 100), 64, 100);
    r.readLine();
    assertThatThrownBy(() -> r.switchTo(new ByteArrayInputStream(new byte[0]))).isInstanceOf(ServerLimitException.class)
        .hasMessageContaining("injected");
  }
}
