package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContentStreamTest {

  private static String through(boolean dotStuff, String... writes) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ContentStream c = new ContentStream(out, dotStuff);
    for (String w : writes) {
      c.write(w.getBytes(StandardCharsets.ISO_8859_1));
    }
    c.finish();
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void everyLineEndBecomesCrLf() throws Exception {
    assertThat(through(false, "a\nb\rc\r\nd")).isEqualTo("a\r\nb\r\nc\r\nd\r\n");
    assertThat(through(false, "a\r", "\nb\r", "c")).isEqualTo("a\r\nb\r\nc\r\n");
    assertThat(through(false, "a\r\n")).isEqualTo("a\r\n");
  }

  @Test
  void dotsAtTheStartOfALineAreDoubledForData() throws Exception {
    assertThat(through(true, ".first\r\n.\r\nmid.dle\n..two")).isEqualTo("..first\r\n..\r\nmid.dle\r\n...two\r\n");
    assertThat(through(true, "a\r", ".b")).isEqualTo("a\r\n..b\r\n");
    assertThat(through(false, ".kept\r\n")).isEqualTo(".kept\r\n");
  }

  @Test
  void countsTheNormalisedSizeWithoutStuffedDots() throws Exception {
    ContentStream c = new ContentStream(new ByteArrayOutputStream(), true);
    c.write(".a\nb".getBytes(StandardCharsets.ISO_8859_1));
    c.finish();
    assertThat(c.count()).isEqualTo(".a\r\nb\r\n".length());
  }
}
