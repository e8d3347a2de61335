package dev.satchel.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64DecodingInputStreamTest {

  /** Returns at most {@code max} bytes per read, varying, like a network stream. */
  private static InputStream trickling(byte[] data, long seed, int max) {
    Random r = new Random(seed);
    return new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1 + r.nextInt(max)));
      }
    };
  }

  private static byte[] decode(InputStream encoded, long seed, boolean singleBytes) {
    try (InputStream in = new Base64DecodingInputStream(encoded)) {
      if (singleBytes) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
          out.write(b);
        }
        return out.toByteArray();
      }
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[1 + new Random(seed).nextInt(100_000)];
      int n;
      while ((n = in.read(buf, 0, buf.length)) >= 0) {
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void decodesWhatTheMimeEncoderWroteWhateverTheReadSizes() {
    qt().withExamples(300).forAll(integers().between(0, 300_000), longs().all(), integers().between(1, 70_000))
        .checkAssert((size, seed, maxRead) -> {
          byte[] data = new byte[size];
          new Random(seed).nextBytes(data);
          byte[] encoded = Base64.getMimeEncoder().encode(data);
          assertThat(decode(trickling(encoded, seed, maxRead), seed, false)).isEqualTo(data);
        });
  }

  @Test
  void singleByteReadsGiveTheSameBytes() {
    byte[] data = new byte[200_003];
    new Random(7).nextBytes(data);
    byte[] encoded = Base64.getMimeEncoder().encode(data);
    assertThat(decode(new ByteArrayInputStream(encoded), 1, true)).isEqualTo(data);
  }

  @Test
  void skipsBytesOutsideTheAlphabetAndAcceptsMissingPadding() {
    assertThat(decode(new ByteArrayInputStream(ascii("SGVs\r\nbG8*gd2 9y\tbGQ")), 1, false)).isEqualTo(ascii("Hello world"));
    assertThat(decode(new ByteArrayInputStream(ascii("SGVsbG8=")), 1, false)).isEqualTo(ascii("Hello"));
    assertThat(decode(new ByteArrayInputStream(ascii("SGVsbG8")), 1, false)).isEqualTo(ascii("Hello"));
    assertThat(decode(new ByteArrayInputStream(ascii("SGVsbA")), 1, false)).isEqualTo(ascii("Hell"));
    assertThat(decode(new ByteArrayInputStream(ascii("S")), 1, false)).isEmpty();
    assertThat(decode(new ByteArrayInputStream(ascii("")), 1, false)).isEmpty();
    assertThat(decode(new ByteArrayInputStream(ascii("\r\n==\r\n")), 1, false)).isEmpty();
  }

  @Test
  void paddingEndsAGroupAndDecodingGoesOn() {
    // two padded pieces glued together, as some encoders write them
    assertThat(decode(new ByteArrayInputStream(ascii("SGk=\r\nSGk==")), 1, false)).isEqualTo(ascii("HiHi"));
    assertThat(decode(new ByteArrayInputStream(ascii("QQ==QkM=")), 1, false)).isEqualTo(ascii("ABC"));
  }

  @Test
  void closeClosesTheWrappedStreamAndLaterReadsFail() throws IOException {
    boolean[] closed = {false};
    InputStream wrapped = new ByteArrayInputStream(ascii("SGVsbG8=")) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    Base64DecodingInputStream in = new Base64DecodingInputStream(wrapped);
    in.close();
    assertThat(closed[0]).isTrue();
    org.assertj.core.api.Assertions.assertThatThrownBy(in::read).isInstanceOf(IOException.class)
        .hasMessageContaining("closed");
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static java.util.List<String> problemsOf(byte[] encoded, long seed) throws IOException {
    try (Base64DecodingInputStream in = new Base64DecodingInputStream(trickling(encoded, seed, 7))) {
      in.readAllBytes();
      return in.problems();
    }
  }

  @Test
  void wellFormedBase64HasNoProblemsHoweverItArrives() {
    qt().forAll(integers().between(0, 5000), longs().all()).checkAssert((n, seed) -> {
      byte[] data = new byte[n];
      new Random(seed).nextBytes(data);
      byte[] encoded = Base64.getMimeEncoder().encode(data);
      try {
        assertThat(problemsOf(encoded, seed)).isEmpty();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  @Test
  void invalidBase64IsDecodedLenientlyAndReported() throws IOException {
    byte[] bad = "SGVsbG8sIHdvcmxk*!=IQ\r\nSGk\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(problemsOf(bad, 1)).containsExactly("2 character(s) outside the base64 alphabet were skipped",
        "1 padding character(s) in the wrong place were skipped",
        "the last group has 1 of 4 characters, which carry no whole byte and were dropped");
    assertThat(problemsOf("SGk".getBytes(StandardCharsets.US_ASCII), 1))
        .containsExactly("the last group has 3 of 4 characters and no padding");
  }
}
