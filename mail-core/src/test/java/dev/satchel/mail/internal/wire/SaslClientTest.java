package dev.satchel.mail.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.internal.wire.SaslClient.Mechanism;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SaslClientTest {
  private static final Credentials PASSWORD = Credentials.password("alice@example.test", "pw");
  private static final Credentials TOKEN = Credentials.oauth2("alice@example.test", refresh -> "tok");

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void aPasswordGoesOnlyToPasswordMechanismsAndATokenOnlyToTokenMechanisms() {
    assertThat(SaslClient.choose(PASSWORD, Set.of("xoauth2", "login", "plain"))).contains(Mechanism.PLAIN);
    assertThat(SaslClient.choose(PASSWORD, Set.of("LOGIN"))).contains(Mechanism.LOGIN);
    assertThat(SaslClient.choose(PASSWORD, Set.of("XOAUTH2", "OAUTHBEARER"))).isEmpty();
    assertThat(SaslClient.choose(TOKEN, Set.of("PLAIN", "LOGIN"))).isEmpty();
    assertThat(SaslClient.choose(TOKEN, Set.of("PLAIN", "OAUTHBEARER"))).contains(Mechanism.OAUTHBEARER);
    assertThat(SaslClient.choose(TOKEN, Set.of("OAUTHBEARER", "XOAUTH2"))).contains(Mechanism.XOAUTH2);
  }

  @Test
  void plainSendsAnEmptyAuthorisationIdentityTheUserAndThePassword() {
    SaslClient plain = SaslClient.start(Mechanism.PLAIN, "alice", "pw", "h", 1);
    assertThat(text(plain.initialResponse())).isEqualTo("\0alice\0pw");
  }

  @Test
  void loginAnswersTheUserThenThePassword() {
    SaslClient login = SaslClient.start(Mechanism.LOGIN, "alice", "pw", "h", 1);
    assertThat(login.initialResponse()).isNull();
    assertThat(text(login.respond("Username:".getBytes(StandardCharsets.US_ASCII)))).isEqualTo("alice");
    assertThat(text(login.respond("Password:".getBytes(StandardCharsets.US_ASCII)))).isEqualTo("pw");
  }

  @Test
  void xoauth2AndOauthBearerHaveTheirWireFormsAndEndAnErrorChallengeAsPrescribed() {
    SaslClient x = SaslClient.start(Mechanism.XOAUTH2, "alice@example.test", "tok", "imap.example.test", 993);
    assertThat(text(x.initialResponse())).isEqualTo("user=alice@example.test\u0001auth=Bearer tok\u0001\u0001");
    assertThat(x.respond("{\"status\":\"401\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(x.serverError()).isEqualTo("{\"status\":\"401\"}");

    // RFC 7628 section 4.1's example shape, with a user name that needs saslname escaping.
    SaslClient b = SaslClient.start(Mechanism.OAUTHBEARER, "a,b=c@example.test", "tok", "server.example.com", 143);
    assertThat(text(b.initialResponse())).isEqualTo(
        "n,a=a=2Cb=3Dc@example.test,\u0001host=server.example.com\u0001port=143\u0001auth=Bearer tok\u0001\u0001");
    assertThat(b.respond("{\"status\":\"invalid_token\"}".getBytes(StandardCharsets.UTF_8))).containsExactly(1);
    assertThat(b.serverError()).contains("invalid_token");
  }

  @Test
  void theServersOAuth2ErrorReportIsPutInWordsFromItsKnownMembersOnly() {
    SaslClient google = SaslClient.start(Mechanism.XOAUTH2, "alice@example.test", "tok", "imap.example.test", 993);
    assertThat(google.errorDetail()).isEmpty();
    google.respond("{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://mail.google.com/\"}"
        .getBytes(StandardCharsets.UTF_8));
    assertThat(google.errorDetail())
        .isEqualTo(" (the server's OAuth2 error: status=401, schemes=bearer, scope=https://mail.google.com/)");

    SaslClient bearer = SaslClient.start(Mechanism.OAUTHBEARER, "alice@example.test", "tok", "imap.example.test", 993);
    bearer.respond("{ \"status\" : 400, \"openid-configuration\": \"https://x.test/.well-known\" }"
        .getBytes(StandardCharsets.UTF_8));
    assertThat(bearer.errorDetail()).isEqualTo(" (the server's OAuth2 error: status=400)");

    SaslClient garbage = SaslClient.start(Mechanism.XOAUTH2, "alice@example.test", "tok", "imap.example.test", 993);
    garbage.respond("not json at all".getBytes(StandardCharsets.UTF_8));
    assertThat(garbage.errorDetail()).isEqualTo(" (the server sent an OAuth2 error report Satchel could not read)");
  }
}
