package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class UidTest {

  static Gen<Uid> uids() {
    Gen<Long> u32 = longs().between(1, 0xFFFF_FFFFL);
    Gen<Uid> imap = u32.zip(u32, Uid.Imap::new);
    Gen<Uid> pop3 = strings().betweenCodePoints(0x21, 0x7E).ofLengthBetween(1, 70).map(Uid.Pop3::new);
    return Generate.oneOf(imap, pop3);
  }

  @Test
  void asStringThenParseIsTheIdentity() {
    qt().forAll(uids()).checkAssert(uid -> {
      assertThat(Uid.parse(uid.asString())).isEqualTo(uid);
      assertThat(uid.toString()).isEqualTo(uid.asString());
    });
  }

  @Test
  void showsImapUidWithItsUidValidity() {
    assertThat(new Uid.Imap(1700000000L, 42).asString()).isEqualTo("imap:1700000000/42");
    assertThat(Uid.parse("imap:4294967295/4294967295")).isEqualTo(new Uid.Imap(0xFFFF_FFFFL, 0xFFFF_FFFFL));
  }

  @Test
  void keepsPop3UidlVerbatimEvenWithSlashesAndColons() {
    assertThat(Uid.parse("pop3:imap:1/2")).isEqualTo(new Uid.Pop3("imap:1/2"));
  }

  @Test
  void ordersImapUidsByUidValidityThenUid() {
    assertThat(new Uid.Imap(1, 9)).isLessThan(new Uid.Imap(2, 1));
    assertThat(new Uid.Imap(2, 1)).isLessThan(new Uid.Imap(2, 3));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "imap:", "imap:1", "imap:1/", "imap:/1", "imap:1/2/3", "imap:a/1", "imap:+1/2",
      "imap: 1/2", "imap:1/2 ", "imap:99999999999999999999/1", "IMAP:1/2", "pop3", "x:1/2", "imap:1/2\n"})
  void rejectsMalformedTextNamingIt(String text) {
    assertThatIllegalArgumentException().isThrownBy(() -> Uid.parse(text))
        .withMessageStartingWith("not a Satchel UID (imap:<uidvalidity>/<uid> or pop3:<uidl>): \"")
        .withMessageContaining(EmailAddress.escape(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"imap:0/1", "imap:1/0", "imap:4294967296/1", "imap:1/4294967296"})
  void rejectsImapNumbersOutsideTheirRange(String text) {
    assertThatIllegalArgumentException().isThrownBy(() -> Uid.parse(text)).withMessageContaining("must be 1..4294967295, was");
  }

  @ParameterizedTest
  @ValueSource(strings = {"pop3:", "pop3:has space", "pop3:tab\t", "pop3:ünicode"})
  void rejectsInvalidUidls(String text) {
    assertThatIllegalArgumentException().isThrownBy(() -> Uid.parse(text)).withMessageStartingWith("UIDL must be");
  }

  @Test
  void rejectsOverlongUidl() {
    assertThatIllegalArgumentException().isThrownBy(() -> new Uid.Pop3("x".repeat(71)))
        .withMessageStartingWith("UIDL must be 1..70 characters, was 71");
  }

  @Test
  void randomTextIsParsedOrRejectedWithIllegalArgumentExceptionOnly() {
    Gen<String> any = strings().allPossible().ofLengthBetween(0, 30);
    Gen<String> digits = strings().betweenCodePoints('.', ':').ofLengthBetween(0, 25);
    qt().forAll(Generate.oneOf(any, any.map(s -> "pop3:" + s), digits.map(s -> "imap:" + s)))
        .checkAssert(s -> {
          try {
            Uid uid = Uid.parse(s);
            assertThat(Uid.parse(uid.asString())).isEqualTo(uid);
          } catch (IllegalArgumentException expected) {
            assertThat(expected).hasMessageNotContaining("\n");
          }
        });
  }
}
