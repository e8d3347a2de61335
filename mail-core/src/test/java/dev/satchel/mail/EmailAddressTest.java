package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressTest {

  @Nested
  class Parsing {
    @Test
    void parsesPlainAddrSpec() {
      EmailAddress a = EmailAddress.parse("alice@example.com");
      assertThat(a.localPart()).isEqualTo("alice");
      assertThat(a.domain()).isEqualTo("example.com");
      assertThat(a.displayName()).isEmpty();
      assertThat(a).hasToString("alice@example.com");
    }

    @Test
    void acceptsEveryAtextSpecialInDotAtom() {
      EmailAddress a = EmailAddress.parse("a.b+c!#$%&'*/=?^_`{|}~-@example.com");
      assertThat(a.localPart()).isEqualTo("a.b+c!#$%&'*/=?^_`{|}~-");
      assertThat(a.address()).isEqualTo("a.b+c!#$%&'*/=?^_`{|}~-@example.com");
    }

    @Test
    void parsesQuotedLocalPartWithSpacesQuotesBackslashesAndAt() {
      EmailAddress a = EmailAddress.parse("\"john \\\"j\\\" doe\\\\x@y\"@example.com");
      assertThat(a.localPart()).isEqualTo("john \"j\" doe\\x@y");
      assertThat(a.address()).isEqualTo("\"john \\\"j\\\" doe\\\\x@y\"@example.com");
      assertThat(EmailAddress.parse(a.toString())).isEqualTo(a);
    }

    @Test
    void quotedLocalPartThatIsADotAtomLosesItsQuotes() {
      EmailAddress a = EmailAddress.parse("\"alice\"@example.com");
      assertThat(a).isEqualTo(EmailAddress.parse("alice@example.com"));
      assertThat(a.address()).isEqualTo("alice@example.com");
    }

    @Test
    void quotesALocalPartWithLeadingDotWhenFormatting() {
      EmailAddress a = new EmailAddress(".alice", "example.com", Optional.empty());
      assertThat(a.address()).isEqualTo("\".alice\"@example.com");
      assertThat(EmailAddress.parse(a.address())).isEqualTo(a);
    }

    @Test
    void parsesNameAddrForms() {
      assertThat(EmailAddress.parse("<alice@example.com>")).isEqualTo(EmailAddress.of("alice@example.com"));
      assertThat(EmailAddress.parse("Alice Smith <alice@example.com>").displayName()).contains("Alice Smith");
      assertThat(EmailAddress.parse("\"Smith, Alice\" <alice@example.com>").displayName()).contains("Smith, Alice");
      assertThat(EmailAddress.parse("Alice<alice@example.com>").displayName()).contains("Alice");
    }

    @Test
    void acceptsDotsInUnquotedDisplayNameAndQuotesThemWhenFormatting() {
      EmailAddress a = EmailAddress.parse("John Q. Public <john@example.com>");
      assertThat(a.displayName()).contains("John Q. Public");
      assertThat(a).hasToString("\"John Q. Public\" <john@example.com>");
    }

    @Test
    void collapsesWhitespaceBetweenUnquotedWordsButKeepsQuotedTextExactly() {
      assertThat(EmailAddress.parse("Alice  \t  Smith <a@example.com>").displayName()).contains("Alice Smith");
      assertThat(EmailAddress.parse("\"  Alice   Smith \" <a@example.com>").displayName()).contains("  Alice   Smith ");
      assertThat(EmailAddress.parse("\"Smith, Alice\" Jr <a@example.com>").displayName()).contains("Smith, Alice Jr");
    }

    @Test
    void dropsCommentsAndSurroundingWhitespace() {
      assertThat(EmailAddress.parse("  alice@example.com (Alice, at work)  ")).isEqualTo(EmailAddress.of("alice@example.com"));
      EmailAddress a = EmailAddress.parse("(team (nested \\) paren)) Alice (x) < alice@example.com > (y)");
      assertThat(a).isEqualTo(EmailAddress.of("Alice", "alice@example.com"));
    }

    @Test
    void acceptsSingleLabelDomainsAndAddressLiterals() {
      assertThat(EmailAddress.parse("postmaster@localhost").domain()).isEqualTo("localhost");
      assertThat(EmailAddress.parse("a@[192.0.2.1]").domain()).isEqualTo("[192.0.2.1]");
      assertThat(EmailAddress.parse("a@[IPv6:2001:db8::1]").asciiDomain()).isEqualTo("[IPv6:2001:db8::1]");
      assertThat(EmailAddress.parse("a@[IPv6:::ffff:192.0.2.1]").domain()).isEqualTo("[IPv6:::ffff:192.0.2.1]");
    }

    @Test
    void keepsDomainAsGiven() {
      assertThat(EmailAddress.parse("a@Example.COM").domain()).isEqualTo("Example.COM");
    }
  }

  @Nested
  class Internationalisation {
    @Test
    void convertsUnicodeDomainToPunycode() {
      EmailAddress a = EmailAddress.parse("jörg@bücher.example");
      assertThat(a.domain()).isEqualTo("bücher.example");
      assertThat(a.asciiDomain()).isEqualTo("xn--bcher-kva.example");
      assertThat(a.asciiAddress()).isEqualTo("jörg@xn--bcher-kva.example");
      assertThat(a.needsSmtpUtf8()).isTrue();
    }

    @Test
    void decodesPunycodeDomainForDisplay() {
      EmailAddress a = EmailAddress.parse("alice@xn--bcher-kva.example");
      assertThat(a.unicodeDomain()).isEqualTo("bücher.example");
      assertThat(a.needsSmtpUtf8()).isFalse();
    }

    @Test
    void keepsSharpSAndFinalSigmaAsIdna2008Does() {
      // IDNA 2003 (java.net.IDN) would turn faß.de into fass.de, another registrant's domain
      assertThat(EmailAddress.parse("info@faß.de").asciiDomain()).isEqualTo("xn--fa-hia.de");
      assertThat(EmailAddress.parse("info@FAẞ.de").asciiDomain()).isEqualTo("xn--fa-hia.de");
      assertThat(EmailAddress.parse("info@βόλος.com").asciiDomain()).isEqualTo("xn--nxasmm1c.com");
      // a capital sigma maps to σ, never to the final form (as IDNA maps it)
      assertThat(EmailAddress.parse("info@ΒΌΛΟΣ.com").asciiDomain()).isEqualTo("xn--nxasmq6b.com");
      assertThat(EmailAddress.parse("info@fass.de").asciiDomain()).isEqualTo("fass.de");
      EmailAddress fromAscii = EmailAddress.parse("info@xn--fa-hia.de");
      assertThat(fromAscii.unicodeDomain()).isEqualTo("faß.de");
      assertThat(fromAscii.asciiDomain()).isEqualTo("xn--fa-hia.de");
      assertThatThrownBy(() -> EmailAddress.parse("info@faß<.de")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsUtf8LocalPartsAndCjkDomains() {
      EmailAddress a = EmailAddress.parse("用户@例子.中国");
      assertThat(a.localPart()).isEqualTo("用户");
      assertThat(a.asciiDomain()).isEqualTo("xn--fsqu00a.xn--fiqs8s");
      assertThat(a.needsSmtpUtf8()).isTrue();
    }

    @Test
    void unicodeDomainAloneDoesNotNeedSmtpUtf8() {
      assertThat(EmailAddress.parse("info@münchen.de").needsSmtpUtf8()).isFalse();
    }

    @Test
    void keepsUnicodeDisplayNamesUnquotedUnlessTheyHoldSpecials() {
      assertThat(EmailAddress.of("山田 太郎", "taro@example.jp")).hasToString("山田 太郎 <taro@example.jp>");
      assertThat(EmailAddress.of("محمد 😀", "m@example.com")).hasToString("محمد 😀 <m@example.com>");
      assertThat(EmailAddress.of("山田\u3000太郎", "taro@example.jp")).hasToString("\"山田\u3000太郎\" <taro@example.jp>");
      assertThat(EmailAddress.parse("山田\u3000太郎 <taro@example.jp>").displayName()).contains("山田\u3000太郎");
    }
  }

  @Nested
  class Formatting {
    @ParameterizedTest
    @ValueSource(strings = {"Smith, Alice", "a;b", "<evil@example.com>", "at@sign", "say \"hi\"", "back\\slash",
        " padded ", "two  spaces", "(comment)", "[x]", "colon:", "=?utf-8?q?x?=", "John Q. Public"})
    void quotesDisplayNamesWithSpecialsAndParsesThemBack(String name) {
      EmailAddress a = EmailAddress.of(name, "alice@example.com");
      assertThat(a.toString()).startsWith("\"").endsWith("\" <alice@example.com>");
      assertThat(EmailAddress.parse(a.toString())).isEqualTo(a);
      assertThat(a.displayName()).contains(name);
    }

    @Test
    void escapesQuotesAndBackslashesInDisplayName() {
      assertThat(EmailAddress.of("say \"hi\" \\o/", "a@example.com"))
          .hasToString("\"say \\\"hi\\\" \\\\o/\" <a@example.com>");
    }

    @Test
    void blankDisplayNameMeansNone() {
      assertThat(EmailAddress.of("  ", "a@example.com").displayName()).isEmpty();
      assertThat(EmailAddress.parse("\"\" <a@example.com>")).hasToString("a@example.com");
      assertThat(EmailAddress.of("Alice", "a@example.com").withDisplayName("")).isEqualTo(EmailAddress.of("a@example.com"));
    }
  }

  @Nested
  class Rejection {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "alice                          | no '@'",
        "@example.com                   | local part (before '@') is empty",
        "alice@                         | domain (after '@') is empty",
        "''                             | empty",
        ".alice@example.com             | starts or ends with a dot",
        "alice.@example.com             | starts or ends with a dot",
        "al..ice@example.com            | two dots in a row",
        "alice@example..com             | empty label",
        "alice@.example.com             | empty label",
        "alice@example.com.             | empty label",
        "a@b@example.com                | more than one '@'",
        "Alice alice@example.com        | angle brackets",
        "a@example.com, b@example.com   | more than one address",
        "\"alice@example.com            | no closing '\"'",
        "Alice <alice@example.com       | closing '>' is missing",
        "alice@example.com>             | without a matching '<'",
        "<>                             | hold no address",
        "<                              | ends where the address should start",
        "Alice <                        | ends where the address should start",
        "<@relay.example:a@example.com> | source route",
        "john doe@example.com           | angle brackets",
        "a(b@example.com                | '(' in the local part",
        "(alice@example.com             | comment starting at index 0 has no closing ')'",
        "Smith, Alice <a@example.com>   | quote the name",
        "a@ex_ample.com                 | only letters, digits",
        "a@-example.com                 | must not start or end with '-'",
        "a@example-.com                 | must not start or end with '-'",
        "a@xn--a.example                | not valid punycode",
        "a@[300.1.1.1]                  | domain literal",
        "a@[IPv6:1::2::3]               | domain literal",
        "a@[example.com]                | domain literal",
        "a@[1.2.3.4                     | no closing ']'",
        "\"a\".b@example.com            | mixes quoted and unquoted",
    })
    void rejectsWithAMessageNamingTheProblemAndTheValue(String input, String problem) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> EmailAddress.parse(input))
          .withMessageContaining(problem)
          .withMessageStartingWith("not a valid email address \"" + input + "\"");
      assertThat(EmailAddress.tryParse(input)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@example.com\r\nBcc: evil@example.com", "Alice\r\nBcc: x@y.z <a@example.com>",
        "a\u0000@example.com", "\"a\nb\"@example.com", "a@exam\rple.com"})
    void rejectsCrLfAndNulAnywhere(String input) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> EmailAddress.parse(input))
          .withMessageContaining("CR, LF or NUL");
    }

    @Test
    void rejectsOtherControlCharacters() {
      assertThatIllegalArgumentException().isThrownBy(() -> EmailAddress.parse("a\u0007b@example.com"))
          .withMessageContaining("control character (U+0007)");
      assertThatIllegalArgumentException().isThrownBy(() -> EmailAddress.parse("\"a\tb\"@example.com"))
          .withMessageContaining("control character (U+0009)");
      assertThatIllegalArgumentException().isThrownBy(() -> EmailAddress.parse("a\u0085@example.com"))
          .withMessageContaining("U+0085");
    }

    @Test
    void rejectsLoneSurrogates() {
      assertThatIllegalArgumentException().isThrownBy(() -> EmailAddress.parse("a\uD800@example.com"))
          .withMessageContaining("unpaired surrogate");
      assertThatIllegalArgumentException()
          .isThrownBy(() -> new EmailAddress("a", "example.com", Optional.of("x\uDC00")))
          .withMessageContaining("unpaired surrogate");
    }

    @Test
    void rejectsHeaderInjectionInDisplayName() {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> EmailAddress.of("Alice\r\nBcc: evil@example.com", "a@example.com"))
          .withMessageContaining("header injection")
          .withMessageContaining("Alice\\r\\nBcc");
    }

    @Test
    void ofTakesOnlyABareAddrSpec() {
      assertThatIllegalArgumentException().isThrownBy(() -> EmailAddress.of("Alice <a@example.com>"))
          .withMessageContaining("use parse(...)");
      assertThat(EmailAddress.of(" a@example.com ")).isEqualTo(EmailAddress.parse("a@example.com"));
    }
  }

  @Nested
  class Rfc5321Limits {
    @Test
    void localPartIsAtMost64Octets() {
      assertThat(EmailAddress.parse("a".repeat(64) + "@example.com").localPart()).hasSize(64);
      assertThatIllegalArgumentException().isThrownBy(() -> EmailAddress.parse("a".repeat(65) + "@example.com"))
          .withMessageContaining("local part must be at most 64 octets")
          .withMessageContaining("was 65");
    }

    @Test
    void localPartLimitCountsUtf8OctetsAndQuotes() {
      assertThatIllegalArgumentException().isThrownBy(() -> EmailAddress.parse("ä".repeat(33) + "@example.com"))
          .withMessageContaining("was 66");
      assertThatIllegalArgumentException()
          .isThrownBy(() -> new EmailAddress(" ".repeat(63), "example.com", Optional.empty()))
          .withMessageContaining("was 65");
    }

    @Test
    void domainLabelIsAtMost63Characters() {
      assertThat(EmailAddress.parse("a@" + "b".repeat(63) + ".com").domain()).startsWith("bbb");
      assertThatIllegalArgumentException().isThrownBy(() -> EmailAddress.parse("a@" + "b".repeat(64) + ".com"))
          .withMessageContaining("label");
    }

    @Test
    void domainIsAtMost253Characters() {
      String label = "d".repeat(49);
      String d253 = String.join(".", label, label, label, label, label) + ".abc"; // 5 * 49 + 4 + 4 = 253
      assertThat(d253).hasSize(253);
      // a 253-character domain only fits the 254-octet address limit with... no local part at all
      assertThatIllegalArgumentException().isThrownBy(() -> EmailAddress.parse("a@" + d253))
          .withMessageContaining("address must be at most 254 octets");
      assertThat(EmailAddress.parse("a@" + d253.substring(1)).domain()).hasSize(252);
      assertThatIllegalArgumentException().isThrownBy(() -> EmailAddress.parse("a@" + d253 + "c"))
          .withMessageContaining("at most 253 characters");
    }

    @Test
    void addressIsAtMost254Octets() {
      String local = "l".repeat(64);
      String label = "d".repeat(61);
      String d189 = String.join(".", label, label, label) + ".abc"; // 3 * 61 + 2 + 4 = 189
      assertThat(EmailAddress.parse(local + "@" + d189).address()).hasSize(254);
      assertThatIllegalArgumentException().isThrownBy(() -> EmailAddress.parse(local + "@" + d189 + "d"))
          .withMessageContaining("address must be at most 254 octets");
    }
  }
}
