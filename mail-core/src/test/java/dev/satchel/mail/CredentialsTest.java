package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialsTest {

  @Test
  void passwordToStringShowsTheUserButNotTheSecret() {
    Credentials c = Credentials.password("alice@example.com", "hunter2-very-secret");
    assertThat(c.username()).isEqualTo("alice@example.com");
    assertThat(c.toString()).contains("alice@example.com").doesNotContain("hunter2", "very-secret");
  }

  @Test
  void oauth2ToStringShowsTheUserButNotTheTokenSource() {
    TokenSource tokens = new TokenSource() {
      @Override
      public String token(boolean forceRefresh) {
        return "ya29.secret";
      }

      @Override
      public String toString() {
        return "TokenSource holding ya29.secret";
      }
    };
    Credentials c = Credentials.oauth2("alice@example.com", tokens);
    assertThat(c.toString()).contains("alice@example.com").doesNotContain("ya29", "secret");
  }

  @Test
  void oauth2KeepsItsTokenSourceSoThatEveryConnectCanAskAgain() {
    AtomicInteger asked = new AtomicInteger();
    Credentials.OAuth2 c = (Credentials.OAuth2) Credentials.oauth2("bob@example.com", refresh -> "t" + asked.incrementAndGet());
    assertThat(c.tokens().token(false)).isEqualTo("t1");
    assertThat(c.tokens().token(true)).isEqualTo("t2");
  }

  @Test
  void passwordSecretIsCopiedInAndOut() {
    char[] secret = "abc".toCharArray();
    Credentials.Password p = new Credentials.Password("alice", secret);
    secret[0] = 'X';
    assertThat(p.secret()).containsExactly('a', 'b', 'c');
    p.secret()[1] = 'Y';
    assertThat(p.secret()).containsExactly('a', 'b', 'c');
  }

  @Test
  void passwordsCompareByUserAndSecret() {
    assertThat(Credentials.password("a", "x")).isEqualTo(Credentials.password("a", "x"))
        .hasSameHashCodeAs(Credentials.password("a", "x"))
        .isNotEqualTo(Credentials.password("a", "y"))
        .isNotEqualTo(Credentials.password("b", "x"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice\r\nA001 LOGOUT", "alice\n", "\ralice", "ali\u0000ce"})
  void rejectsCrLfAndNulInUserNamesShowingThemEscaped(String user) {
    assertThatIllegalArgumentException().isThrownBy(() -> Credentials.password(user, "pw"))
        .withMessageStartingWith("username must not contain CR, LF or NUL")
        .withMessageNotContaining("\r").withMessageNotContaining("\n");
    assertThatIllegalArgumentException().isThrownBy(() -> Credentials.oauth2(user, r -> "t"))
        .withMessageStartingWith("username must not contain CR, LF or NUL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"pw\r\nA001 LOGOUT", "pw\n", "p\u0000w"})
  void rejectsCrLfAndNulInPasswordsWithoutShowingThePassword(String password) {
    assertThatIllegalArgumentException().isThrownBy(() -> Credentials.password("alice", password))
        .withMessage("password must not contain CR, LF or NUL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t"})
  void rejectsBlankUserNames(String user) {
    assertThatIllegalArgumentException().isThrownBy(() -> Credentials.password(user, "pw"))
        .withMessage("username must not be blank");
    assertThatIllegalArgumentException().isThrownBy(() -> Credentials.oauth2(user, r -> "t"))
        .withMessage("username must not be blank");
  }
}
