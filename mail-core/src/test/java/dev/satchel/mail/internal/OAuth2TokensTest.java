package dev.satchel.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Server;
import org.junit.jupiter.api.Test;

class OAuth2TokensTest {
  private static final Server SERVER = new Server(Protocol.IMAP, "imap.example.test", 993, Security.TLS);

  private static Credentials.OAuth2 oauth(dev.satchel.mail.TokenSource source) {
    return (Credentials.OAuth2) Credentials.oauth2("alice@example.test", source);
  }

  @Test
  void passesTheForceFlagAndReturnsTheToken() {
    boolean[] forced = new boolean[1];
    String token = OAuth2Tokens.token(oauth(force -> {
      forced[0] = force;
      return "tok-1";
    }), true, SERVER);
    assertThat(token).isEqualTo("tok-1");
    assertThat(forced[0]).isTrue();
  }

  @Test
  void rethrowsTheSourcesMailAuthenticationExceptionUnchanged() {
    MailAuthenticationException signInAgain =
        new MailAuthenticationException("the refresh token for alice@example.test was refused; the user must sign in again");
    assertThatThrownBy(() -> OAuth2Tokens.token(oauth(force -> {
      throw signInAgain;
    }), false, SERVER)).isSameAs(signInAgain);
  }

  @Test
  void rethrowsTheSourcesMailConnectionExceptionUnchanged() {
    MailConnectionException unreachable = new MailConnectionException("cannot reach the token endpoint");
    assertThatThrownBy(() -> OAuth2Tokens.token(oauth(force -> {
      throw unreachable;
    }), false, SERVER)).isSameAs(unreachable);
  }

  @Test
  void wrapsOtherFailuresNamingTheServerAndTheFailuresType() {
    assertThatThrownBy(() -> OAuth2Tokens.token(oauth(force -> {
      throw new IllegalStateException("boom");
    }), false, SERVER))
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("alice@example.test")
        .hasMessageContaining("IllegalStateException")
        .hasMessageContaining("imap.example.test")
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void aBlankTokenIsAnAuthenticationFailure() {
    assertThatThrownBy(() -> OAuth2Tokens.token(oauth(force -> " "), false, SERVER))
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("returned no token");
  }
}
