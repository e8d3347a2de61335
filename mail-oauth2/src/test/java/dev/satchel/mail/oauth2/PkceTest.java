package dev.satchel.mail.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PkceTest {

  @Test
  void matchesTheExampleOfRfc7636AppendixB() {
    assertThat(Pkce.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
        .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  }

  @Test
  void everyVerifierAndChallengeHasTheShapeRfc7636Demands() {
    qt().forAll(longs().all()).checkAssert(seed -> {
      Random random = new Random(seed);
      Pkce pkce = Pkce.generate(random);
      assertThat(pkce.verifier()).hasSizeBetween(43, 128).matches("[A-Za-z0-9._~-]+");
      assertThat(pkce.challenge()).hasSize(43).matches("[A-Za-z0-9_-]+").isEqualTo(Pkce.challenge(pkce.verifier()));
      assertThat(Pkce.state(random)).hasSize(32).matches("[A-Za-z0-9_-]+");
    });
  }

  @Test
  void toStringHidesTheVerifier() {
    Pkce pkce = Pkce.generate(new Random(1));
    assertThat(pkce.toString()).doesNotContain(pkce.verifier()).contains(pkce.challenge());
  }
}
