package dev.satchel.mail.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class RecipientPolicyTest {

  @Test
  void acceptAllAcceptsEveryone() {
    assertThat(RecipientPolicy.acceptAll().replyTo("anyone@example.test")).isEmpty();
    assertThat(RecipientPolicy.builder().build().replyTo("anyone@example.test")).isEmpty();
    assertThat(RecipientPolicy.acceptAll()).hasToString("RecipientPolicy[accept all]");
  }

  @Test
  void shortcutsAnswerWithTheUsualCodes() {
    RecipientPolicy policy = RecipientPolicy.builder()
        .reject("blocked@example.test")
        .greylist("*@slow.example.test")
        .mailboxFull("full@example.test")
        .build();
    assertThat(policy.replyTo("blocked@example.test")).hasValue("550 5.1.1 <blocked@example.test>: no such user");
    assertThat(policy.replyTo("bob@slow.example.test")).hasValue("451 4.7.1 <bob@slow.example.test>: greylisted, try again later");
    assertThat(policy.replyTo("full@example.test")).hasValue("452 4.2.2 <full@example.test>: mailbox full");
    assertThat(policy.replyTo("ok@example.test")).isEmpty();
    assertThat(policy).hasToString("RecipientPolicy[550 blocked@example.test, 451 *@slow.example.test, 452 full@example.test, "
        + "otherwise 250]");
  }

  @Test
  void customCodesAndTextsAreAnsweredAsGiven() {
    RecipientPolicy policy = RecipientPolicy.builder()
        .reject("*@spam.example.test", 554, "5.7.1 relay denied, 100% sure")
        .defer("later@example.test", 450, "4.2.0 try later")
        .reject(Pattern.compile("admin\\d+@example\\.test"), 553, "")
        .defer(Pattern.compile("(?i)temp-.*"), 421, "no enhanced code here")
        .build();
    assertThat(policy.replyTo("x@spam.example.test")).hasValue("554 5.7.1 relay denied, 100% sure");
    assertThat(policy.replyTo("later@example.test")).hasValue("450 4.2.0 try later");
    assertThat(policy.replyTo("admin42@example.test")).hasValue("553");
    assertThat(policy.replyTo("admin@example.test")).isEmpty();
    assertThat(policy.replyTo("TEMP-1@example.test")).hasValue("421 no enhanced code here");
  }

  @Test
  void theFirstMatchingRuleDecides() {
    RecipientPolicy policy = RecipientPolicy.builder()
        .accept("postmaster@*")
        .reject("vip@example.test", 550, "5.7.1 not you")
        .reject("*@example.test")
        .build();
    assertThat(policy.replyTo("postmaster@example.test")).isEmpty();
    assertThat(policy.replyTo("vip@example.test")).hasValue("550 5.7.1 not you");
    assertThat(policy.replyTo("bob@example.test")).hasValue("550 5.1.1 <bob@example.test>: no such user");
    assertThat(policy.replyTo("bob@other.test")).isEmpty();
  }

  @Test
  void toBuilderAddsRulesAfterTheExistingOnes() {
    RecipientPolicy first = RecipientPolicy.builder().accept("a@example.test").build();
    RecipientPolicy more = first.toBuilder().reject("*").build();
    assertThat(more.replyTo("a@example.test")).isEmpty();
    assertThat(more.replyTo("b@example.test")).hasValueSatisfying(r -> assertThat(r).startsWith("550 "));
    assertThat(first.replyTo("b@example.test")).isEmpty();
  }

  @Test
  void globsMatchTheWholeAddressIgnoringCase() {
    RecipientPolicy policy = RecipientPolicy.builder().reject("bob+?@*.example.test").build();
    assertThat(policy.replyTo("BOB+1@mail.Example.TEST")).isPresent();
    assertThat(policy.replyTo("bob+12@mail.example.test")).isEmpty();
    assertThat(policy.replyTo("bob+1@example.test")).isEmpty();
    assertThat(policy.replyTo("xbob+1@mail.example.test")).isEmpty();
    assertThat(policy.replyTo("bob+1@mail.example.test.evil")).isEmpty();
  }

  @Test
  void anExactAddressMatchesItselfInAnyCaseAndNothingElse() {
    Gen<String> local = strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 12);
    qt().forAll(local, local).checkAssert((a, b) -> {
      RecipientPolicy policy = RecipientPolicy.builder().reject(a + "@example.test").build();
      assertThat(policy.replyTo(a.toUpperCase(java.util.Locale.ROOT) + "@EXAMPLE.test")).isPresent();
      assertThat(policy.replyTo(b + "@example.test").isPresent()).isEqualTo(a.equals(b));
      assertThat(policy.replyTo(a + ".x@example.test")).isEmpty();
    });
  }

  @Test
  void badRulesAreRefusedWithTheReason() {
    RecipientPolicy.Builder b = RecipientPolicy.builder();
    assertThatThrownBy(() -> b.reject("x@example.test", 450, "4.2.0 later")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("code must be 500 to 599, was 450");
    assertThatThrownBy(() -> b.defer("x@example.test", 550, "5.1.1 no")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("code must be 400 to 499, was 550");
    assertThatThrownBy(() -> b.reject("x@example.test", 550, "4.2.2 full")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the enhanced status code in \"4.2.2 full\" must start with 5 to match the reply code 550");
    assertThatThrownBy(() -> b.reject("x@example.test", 550, "no\r\nRCPT TO:<y@example.test>"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("text must be printable ASCII of at most 400 characters, was \"no\\u000d\\u000aRCPT TO:<y@example.test>\"");
    assertThatThrownBy(() -> b.reject("x@example.test", 550, "é")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("text must be printable ASCII");
    assertThatThrownBy(() -> b.reject(" ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("addresses must be an address or a glob such as \"*@example.test\", without white space or angle "
            + "brackets, was \" \"");
    assertThatThrownBy(() -> b.greylist("<x@example.test>")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was \"<x@example.test>\"");
    assertThatThrownBy(() -> b.mailboxFull("x@")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x@");
    assertThat(b.build().replyTo("x@example.test")).isEmpty(); // nothing was added by the refused calls
  }
}
