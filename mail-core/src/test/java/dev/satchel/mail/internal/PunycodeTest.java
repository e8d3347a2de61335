package dev.satchel.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import org.junit.jupiter.api.Test;

class PunycodeTest {
  @Test
  void knownVectors() {
    assertThat(Punycode.encode("bücher")).isEqualTo("bcher-kva");
    assertThat(Punycode.encode("faß")).isEqualTo("fa-hia");
    assertThat(Punycode.encode("βόλος")).isEqualTo("nxasmm1c");
    // RFC 3492 section 7.1, sample (A): Arabic (Egyptian)
    assertThat(Punycode.encode("\u0644\u064A\u0647\u0645\u0627\u0628\u062A\u0643\u0644\u0645\u0648\u0634\u0639\u0631\u0628\u064A\u061F"))
        .isEqualTo("egbpdaj6bu4bxfgehfvwxn");
    assertThat(Punycode.decode("egbpdaj6bu4bxfgehfvwxn")).contains(
        "\u0644\u064A\u0647\u0645\u0627\u0628\u062A\u0643\u0644\u0645\u0648\u0634\u0639\u0631\u0628\u064A\u061F");
    assertThat(Punycode.decode("fa-hia")).contains("faß");
  }

  @Test
  void decodingUndoesEncoding() {
    qt().withExamples(2000).forAll(strings().betweenCodePoints(0x20, 0x2FFFF).ofLengthBetween(0, 40))
        .checkAssert(s -> {
          String clean = s.codePoints().filter(cp -> cp < 0xD800 || cp > 0xDFFF)
              .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
          assertThat(Punycode.decode(Punycode.encode(clean))).contains(clean);
        });
  }

  @Test
  void garbageIsNotPunycode() {
    assertThat(Punycode.decode("abc-!!")).isEmpty();
    assertThat(Punycode.decode("-abc")).isEmpty();
    assertThat(Punycode.decode("bcher-kv9")).as("ends inside a number").isEmpty();
  }
}
