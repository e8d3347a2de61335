package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Property tests (QuickTheories, with shrinking): formatting then parsing is the identity over valid
 * addresses, and invalid input is always rejected with {@link IllegalArgumentException}.
 */
class EmailAddressPropertiesTest {

  // ------------------------------------------------------------------ alphabets

  private static final String ATEXT_ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~";
  /** Non-ASCII letters from several scripts, CJK and emoji (surrogate pairs). */
  private static final String UNICODE_LETTERS = "äöüéñçøßÅЖждфΩλπ中文字例用户山田あいカナ한국محمدשלוםअ😀🎉👍🏽";
  /** Everything that forces quoting: specials, quotes, backslashes, spaces. */
  private static final String SPECIALS = " ,;:<>@\"\\()[].";

  private static final List<String> LATIN = codePoints("abcdefghijklmnopqrstuvwxyzäöüéèñçåøABCDEFGÄÖÜ");
  private static final List<String> CYRILLIC = codePoints("абвгдежзиклмнопрстуфхцчшщыэюя");
  private static final List<String> GREEK = codePoints("αβγδεζηθικλμνξοπρστυφχψω");
  private static final List<String> CJK = codePoints("中文例子测试网络邮件山田日本語用户");
  private static final List<String> KANA = codePoints("あいうえおかきくけこさしすせそカタナ");
  private static final List<String> ARABIC = codePoints("ابتثجحخدذرزسشصضطظعغفقكلمنهوي");
  private static final List<String> HEBREW = codePoints("אבגדהוזחטיכלמנסעפצקרשת");

  // ------------------------------------------------------------------ generators: valid

  static Gen<String> from(List<String> alphabet, int min, int max) {
    return lists().of(Generate.pick(alphabet)).ofSizeBetween(min, max).map(l -> String.join("", l));
  }

  static Gen<String> atom() {
    List<String> alphabet = new ArrayList<>(codePoints(ATEXT_ASCII));
    alphabet.addAll(codePoints(UNICODE_LETTERS));
    return Generate.frequency(
        org.quicktheories.api.Pair.of(3, from(codePoints(ATEXT_ASCII), 1, 10)),
        org.quicktheories.api.Pair.of(1, from(alphabet, 1, 8)));
  }

  static Gen<String> dotAtomLocalPart() {
    return lists().of(atom()).ofSizeBetween(1, 4).map(l -> String.join(".", l))
        .assuming(s -> EmailAddress.utf8Length(s) <= 64);
  }

  static Gen<String> quotedLocalPart() {
    List<String> alphabet = new ArrayList<>(codePoints(SPECIALS));
    alphabet.addAll(codePoints("abcxyz019"));
    alphabet.addAll(codePoints(UNICODE_LETTERS));
    return from(alphabet, 1, 20)
        .assuming(s -> EmailAddress.utf8Length(EmailAddress.formatLocalPart(s)) <= 64);
  }

  static Gen<String> localPart() {
    return Generate.oneOf(dotAtomLocalPart(), quotedLocalPart());
  }

  static Gen<String> asciiLabel() {
    List<String> ends = codePoints("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    List<String> middle = new ArrayList<>(ends);
    middle.add("-");
    Gen<String> single = Generate.pick(ends);
    Gen<String> longer = Generate.pick(ends).zip(from(middle, 0, 18), Generate.pick(ends), (a, m, b) -> a + m + b);
    return Generate.oneOf(single, longer).assuming(l -> !l.regionMatches(true, 0, "xn--", 0, 4));
  }

  static Gen<String> unicodeLabel() {
    return Generate.oneOf(from(LATIN, 1, 10), from(CYRILLIC, 1, 10), from(GREEK, 1, 10), from(CJK, 1, 6),
        from(KANA, 1, 6), from(ARABIC, 1, 8), from(HEBREW, 1, 8));
  }

  static Gen<String> asciiDomain() {
    return lists().of(asciiLabel()).ofSizeBetween(1, 4).map(l -> String.join(".", l));
  }

  static Gen<String> unicodeDomain() {
    Gen<String> label = Generate.oneOf(unicodeLabel(), unicodeLabel(), asciiLabel());
    return lists().of(label).ofSizeBetween(1, 3).zip(asciiLabel(), (l, tld) -> String.join(".", l) + "." + tld)
        .assuming(d -> !d.chars().allMatch(c -> c < 0x80));
  }

  static Gen<String> punycodeDomain() {
    return unicodeDomain().map(d -> IDN.toASCII(d, IDN.ALLOW_UNASSIGNED));
  }

  static Gen<String> addressLiteral() {
    Gen<Integer> octet = integers().between(0, 255);
    Gen<String> v4 = octet.zip(octet, octet, octet, (a, b, c, d) -> "[" + a + "." + b + "." + c + "." + d + "]");
    Gen<String> group = integers().between(0, 0xFFFF).map(Integer::toHexString);
    Gen<String> v6full = lists().of(group).ofSize(8).map(g -> "[IPv6:" + String.join(":", g) + "]");
    Gen<String> v6short = lists().of(group).ofSizeBetween(0, 3).zip(lists().of(group).ofSizeBetween(0, 3),
        (l, r) -> "[IPv6:" + String.join(":", l) + "::" + String.join(":", r) + "]");
    return Generate.oneOf(v4, v6full, v6short);
  }

  static Gen<String> domain() {
    return Generate.frequency(
        org.quicktheories.api.Pair.of(4, asciiDomain()),
        org.quicktheories.api.Pair.of(3, unicodeDomain()),
        org.quicktheories.api.Pair.of(2, punycodeDomain()),
        org.quicktheories.api.Pair.of(1, addressLiteral()));
  }

  static Gen<Optional<String>> displayName() {
    List<String> alphabet = new ArrayList<>(codePoints(SPECIALS));
    alphabet.addAll(codePoints("  AliceBobSmithJr"));
    alphabet.addAll(codePoints(UNICODE_LETTERS));
    alphabet.addAll(CJK);
    alphabet.addAll(ARABIC);
    alphabet.addAll(HEBREW);
    alphabet.addAll(List.of("\u3000", "\u00A0", "\u200F", "\u202E", "=?", "?=", "'", "!", "~"));
    Gen<String> plainWords = lists().of(from(codePoints("ABCDEFGHIJabcdefghij"), 1, 8)).ofSizeBetween(1, 4)
        .map(l -> String.join(" ", l));
    Gen<String> anything = from(alphabet, 0, 30);
    return Generate.oneOf(plainWords, anything).toOptionals(25);
  }

  static Gen<EmailAddress> validAddresses() {
    return localPart().zip(domain(), displayName(), EmailAddress::new);
  }

  // ------------------------------------------------------------------ properties: valid

  @Test
  void formatThenParseIsTheIdentity() {
    qt().forAll(validAddresses()).checkAssert(a -> {
      assertThat(EmailAddress.parse(a.toString())).isEqualTo(a);
      assertThat(EmailAddress.tryParse(a.toString())).contains(a);
    });
  }

  @Test
  void addrSpecParsesBackToTheAddressWithoutName() {
    qt().forAll(validAddresses()).checkAssert(a -> {
      EmailAddress bare = new EmailAddress(a.localPart(), a.domain(), Optional.empty());
      assertThat(EmailAddress.parse(a.address())).isEqualTo(bare);
      assertThat(EmailAddress.of(a.address())).isEqualTo(bare);
      assertThat(EmailAddress.parse("<" + a.address() + ">")).isEqualTo(bare);
    });
  }

  @Test
  void surroundingWhitespaceAndCommentsAreDropped() {
    qt().forAll(validAddresses()).checkAssert(a ->
        assertThat(EmailAddress.parse(" \t(a comment (nested)) " + a + " (trailing \\) comment)\t ")).isEqualTo(a));
  }

  @Test
  void asciiFormsAgreeWithUnicodeForms() {
    qt().forAll(validAddresses()).checkAssert(a -> {
      EmailAddress ascii = EmailAddress.parse(a.asciiAddress());
      assertThat(ascii.localPart()).isEqualTo(a.localPart());
      assertThat(ascii.asciiDomain()).isEqualToIgnoringCase(a.asciiDomain());
      assertThat(a.asciiDomain()).matches("[\\x21-\\x7e]+");
      EmailAddress unicode = EmailAddress.parse(EmailAddress.formatLocalPart(a.localPart()) + "@" + a.unicodeDomain());
      assertThat(unicode.asciiDomain()).isEqualToIgnoringCase(a.asciiDomain());
      assertThat(a.needsSmtpUtf8()).isEqualTo(!a.localPart().chars().allMatch(c -> c < 0x80));
    });
  }

  // ------------------------------------------------------------------ generators: invalid

  /** Simple ASCII addresses that every mutation below turns invalid. */
  static Gen<String[]> simpleParts() {
    Gen<String> local = lists().of(from(codePoints("abcdefghij0123+_-"), 1, 8)).ofSizeBetween(1, 3)
        .map(l -> String.join(".", l));
    return local.zip(asciiDomain(), (l, d) -> new String[] {l, d});
  }

  static Gen<String> invalidAddresses() {
    Gen<String[]> parts = simpleParts();
    Gen<Integer> anyIndex = integers().between(0, 1000);
    Gen<String> control = Generate.oneOf(
        integers().between(0, 0x1F).assuming(c -> c != '\t'),
        Generate.pick(List.of(0x7F, 0x80, 0x85, 0x9F, 0x0D, 0x0A, 0x00)))
        .map(c -> String.valueOf((char) c.intValue()));
    Gen<String> special = Generate.pick(codePoints(" \",:;<>[]\\()@"));
    Gen<String> badLabel = Generate.pick(List.of("-a", "a-", "a_b", "a b", "a!b", "xn--a", "xn--", "a\"b", "a/b",
        "é-", "-中文", "a".repeat(64), "ü".repeat(60)));

    List<Gen<String>> cases = new ArrayList<>();
    cases.add(parts.map(p -> p[0] + p[1])); // missing @
    cases.add(parts.map(p -> p[0] + "#" + p[1]));
    cases.add(parts.map(p -> "@" + p[1])); // empty local part
    cases.add(parts.map(p -> p[0] + "@")); // empty domain
    cases.add(parts.map(p -> "Name <" + p[0] + "@>"));
    cases.add(parts.map(p -> "." + p[0] + "@" + p[1])); // bad dots
    cases.add(parts.map(p -> p[0] + ".@" + p[1]));
    cases.add(parts.zip(anyIndex, (p, i) -> insert(p[0], i, "..") + "@" + p[1]));
    cases.add(parts.map(p -> p[0] + "@." + p[1]));
    cases.add(parts.map(p -> p[0] + "@" + p[1] + "."));
    cases.add(parts.zip(anyIndex, (p, i) -> p[0] + "@" + insert(p[1], i, "..")));
    cases.add(parts.zip(anyIndex, control, (p, i, c) -> insert(p[0] + "@" + p[1], i, c))); // control chars
    cases.add(parts.zip(anyIndex, control, (p, i, c) -> insert("\"Name\" <" + p[0] + "@" + p[1] + ">", i, c)));
    cases.add(parts.zip(control, (p, c) -> "\"a" + c + "b\"@" + p[1]));
    cases.add(parts.map(p -> "Alice\r\nBcc: evil@example.com <" + p[0] + "@" + p[1] + ">")); // header injection
    cases.add(parts.map(p -> p[0] + "@" + p[1] + "\r\nBcc: evil@example.com"));
    cases.add(parts.map(p -> "\"" + p[0] + "@" + p[1])); // unbalanced quotes
    cases.add(parts.map(p -> "\"Alice <" + p[0] + "@" + p[1] + ">"));
    cases.add(parts.map(p -> "\"" + p[0] + "\\\"@" + p[1]));
    cases.add(parts.map(p -> "Alice <" + p[0] + "@" + p[1])); // unbalanced angles
    cases.add(parts.map(p -> "Alice " + p[0] + "@" + p[1] + ">"));
    cases.add(parts.map(p -> "<<" + p[0] + "@" + p[1] + ">"));
    cases.add(parts.map(p -> "<" + p[0] + "@" + p[1] + ">>"));
    cases.add(parts.map(p -> "(" + p[0] + "@" + p[1])); // unbalanced comment
    cases.add(parts.zip(badLabel, (p, l) -> p[0] + "@" + l + "." + p[1])); // invalid labels
    cases.add(parts.zip(badLabel, (p, l) -> p[0] + "@" + p[1] + "." + l));
    cases.add(parts.zip(integers().between(65, 200), (p, n) -> "l".repeat(n) + "@" + p[1])); // over-long
    cases.add(parts.zip(integers().between(33, 60), (p, n) -> "ü".repeat(n) + "@" + p[1]));
    cases.add(parts.zip(integers().between(64, 300), (p, n) -> p[0] + "@" + "d".repeat(n) + ".com"));
    cases.add(parts.zip(integers().between(5, 20), (p, n) -> p[0] + "@" + String.join(".", java.util.Collections.nCopies(n, "d".repeat(60)))));
    cases.add(parts.map(p -> "l".repeat(64) + "@" + String.join(".", java.util.Collections.nCopies(3, "d".repeat(61))) + ".abcd"));
    cases.add(parts.zip(anyIndex, special, (p, i, s) -> insertInside(p[0], i, s) + "@" + p[1])); // unquoted specials
    cases.add(parts.map(p -> p[0] + "@" + p[0] + "@" + p[1])); // two @
    cases.add(parts.map(p -> p[0] + "@" + p[1] + ", " + p[0] + "@" + p[1])); // a list
    cases.add(parts.map(p -> "Smith, Alice <" + p[0] + "@" + p[1] + ">")); // unquoted special in name
    cases.add(parts.map(p -> p[0] + "@[" + p[1] + "]")); // bad literal
    cases.add(parts.map(p -> p[0] + "@" + p[1] + "\uD800"));
    @SuppressWarnings("unchecked")
    Gen<String>[] rest = cases.subList(1, cases.size()).toArray(new Gen[0]);
    return Generate.oneOf(cases.get(0), rest);
  }

  // ------------------------------------------------------------------ properties: invalid

  @Test
  void invalidInputIsAlwaysRejectedWithIllegalArgumentException() {
    qt().forAll(invalidAddresses()).checkAssert(s -> {
      assertThatIllegalArgumentException().isThrownBy(() -> EmailAddress.parse(s))
          .withMessageStartingWith("not a valid email address \"");
      assertThat(EmailAddress.tryParse(s)).isEmpty();
    });
  }

  @Test
  void randomStringsAreParsedOrRejectedButNeverCrash() {
    Gen<String> anyCodePoints = strings().allPossible().ofLengthBetween(0, 40);
    Gen<String> tokens = lists().of(Generate.pick(List.of("\"", "\\", "(", ")", "<", ">", "@", ".", "[", "]", ",",
        ";", ":", " ", "\t", "a", "b", "é", "中", "😀", "xn--", "-", "1", "IPv6:", "\r\n", "\u0000", "\uD800"))).ofSizeBetween(0, 25)
        .map(l -> String.join("", l));
    qt().forAll(Generate.oneOf(anyCodePoints, tokens)).checkAssert(s -> {
      Throwable t = catchThrowable(() -> {
        EmailAddress a = EmailAddress.parse(s);
        assertThat(EmailAddress.parse(a.toString())).isEqualTo(a);
      });
      if (t != null) {
        assertThat(t).isExactlyInstanceOf(IllegalArgumentException.class);
      }
      assertThat(EmailAddress.tryParse(s).isPresent()).isEqualTo(t == null);
    });
  }

  // ------------------------------------------------------------------ helpers

  static List<String> codePoints(String s) {
    return s.codePoints().mapToObj(Character::toString).distinct().collect(Collectors.toList());
  }

  static String insert(String s, int index, String what) {
    int i = index % (s.length() + 1);
    return s.substring(0, i) + what + s.substring(i);
  }

  /** Inserts strictly inside {@code s} (never at either end); at the end of a one-character string. */
  static String insertInside(String s, int index, String what) {
    if (s.length() < 2) {
      return s + what;
    }
    int i = 1 + index % (s.length() - 1);
    return s.substring(0, i) + what + s.substring(i);
  }
}
