package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class MailboxNamesTest {
  /** Strings of any code points but surrogates, weighted towards ASCII, '&', Latin-1, CJK and emoji. */
  private static Gen<String> unicodeNames() {
    Gen<Integer> codePoint = integers().between(0, 0x10FFFF).map(cp -> cp >= 0xD800 && cp <= 0xDFFF ? 0x1F600 : cp)
        .mix(integers().between(0x20, 0x7e), 40)
        .mix(integers().between(0, 1).map(i -> i == 0 ? (int) '&' : (int) '-'), 15)
        .mix(integers().between(0x1F300, 0x1FAFF), 15);
    return lists().of(codePoint).ofSizeBetween(0, 24).map(MailboxNamesTest::string);
  }

  private static String string(List<Integer> codePoints) {
    StringBuilder sb = new StringBuilder();
    codePoints.forEach(sb::appendCodePoint);
    return sb.toString();
  }

  @Test
  void encodesTheRfc3501Example() {
    assertThat(MailboxNames.encode("~peter/mail/台北/日本語")).isEqualTo("~peter/mail/&U,BTFw-/&ZeVnLIqe-");
    assertThat(MailboxNames.decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-")).isEqualTo("~peter/mail/台北/日本語");
  }

  @Test
  void encodesUmlautsAsOneShiftedRun() {
    assertThat(MailboxNames.encode("Entwürfe")).isEqualTo("Entw&APw-rfe");
    assertThat(MailboxNames.encode("Gelöschte Elemente")).isEqualTo("Gel&APY-schte Elemente");
    assertThat(MailboxNames.encode("äöü")).isEqualTo("&AOQA9gD8-");
    assertThat(MailboxNames.decode("Entw&APw-rfe")).isEqualTo("Entwürfe");
  }

  @Test
  void sendsAmpersandAsAmpersandDash() {
    assertThat(MailboxNames.encode("&")).isEqualTo("&-");
    assertThat(MailboxNames.encode("Tom & Jerry")).isEqualTo("Tom &- Jerry");
    assertThat(MailboxNames.decode("Tom &- Jerry")).isEqualTo("Tom & Jerry");
    assertThat(MailboxNames.encode("ü&")).isEqualTo("&APw-&-");
  }

  @Test
  void leavesPrintableAsciiUnchanged() {
    String ascii = "INBOX/Sent Items.2024 [x] ~-_+,=";
    assertThat(MailboxNames.encode(ascii)).isSameAs(ascii);
    assertThat(MailboxNames.decode(ascii)).isSameAs(ascii);
  }

  @Test
  void encodesSupplementaryCharactersAsOneSurrogatePair() {
    assertThat(MailboxNames.encode("😀")).isEqualTo("&2D3eAA-");
    assertThat(MailboxNames.encode("a😀b")).isEqualTo("a&2D3eAA-b");
    assertThat(MailboxNames.decode("a&2D3eAA-b")).isEqualTo("a😀b");
  }

  @Test
  void encodesControlCharacters() {
    assertThat(MailboxNames.encode("a\tb")).isEqualTo("a&AAk-b");
    assertThat(MailboxNames.decode("a&AAk-b")).isEqualTo("a\tb");
  }

  @Test
  void refusesAnUnpairedSurrogate() {
    assertThatThrownBy(() -> MailboxNames.encode("a\uD83Db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mailbox name has an unpaired surrogate \\ud83d at index 1, was \"a\uD83Db\"");
    assertThatThrownBy(() -> MailboxNames.encode("\uDE00"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at index 0");
  }

  @Test
  void keepsInvalidShiftSequencesAsSent() {
    assertThat(MailboxNames.decode("a&b")).isEqualTo("a&b");                 // no closing '-'
    assertThat(MailboxNames.decode("&ZeVnLIqe")).isEqualTo("&ZeVnLIqe");
    assertThat(MailboxNames.decode("x&*-y")).isEqualTo("x&*-y");             // not base64
    assertThat(MailboxNames.decode("&APw/-")).isEqualTo("&APw/-");           // '/' is not modified base64
    assertThat(MailboxNames.decode("&AP-")).isEqualTo("&AP-");               // 12 bits: not a UTF-16 unit
    assertThat(MailboxNames.decode("&APx-")).isEqualTo("&APx-");             // padding bits not zero
    assertThat(MailboxNames.decode("&2D0-")).isEqualTo("&2D0-");             // lone high surrogate
    assertThat(MailboxNames.decode("&3gA-")).isEqualTo("&3gA-");             // lone low surrogate
    assertThat(MailboxNames.decode("ok &APw- &*- &APw-")).isEqualTo("ok ü &*- ü");
  }

  @Test
  void decodesNonCanonicalButValidSequencesLeniently() {
    assertThat(MailboxNames.decode("&AOQ-&APw-")).isEqualTo("äü");         // two runs where one would do
    assertThat(MailboxNames.decode("&AGE-")).isEqualTo("a");                // printable ASCII shifted
    assertThat(MailboxNames.decode("raw ü stays")).isEqualTo("raw ü stays");
  }

  @Test
  void encodeThenDecodeGivesTheNameBack() {
    qt().withExamples(2000).forAll(unicodeNames()).checkAssert(name -> {
      String wire = MailboxNames.encode(name);
      assertThat(wire.chars()).allMatch(c -> c >= 0x20 && c <= 0x7e);
      assertThat(MailboxNames.decode(wire)).isEqualTo(name);
    });
  }

  @Test
  void decodeNeverThrowsAndWhatItDecodesEncodesBackWhenCanonical() {
    qt().withExamples(2000).forAll(strings().basicLatinAlphabet().ofLengthBetween(0, 30)).checkAssert(wire -> {
      String name = MailboxNames.decode(wire);
      assertThat(name).isNotNull();
      String again = MailboxNames.encode(name);
      assertThat(MailboxNames.decode(again)).isEqualTo(name);
    });
  }
}
