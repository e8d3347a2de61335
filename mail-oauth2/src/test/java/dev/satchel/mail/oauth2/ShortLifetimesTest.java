package dev.satchel.mail.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.oauth2.testserver.OAuth2TestServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A server whose access tokens and device codes live 2 seconds. */
class ShortLifetimesTest {
  private static OAuth2TestServer server;

  @BeforeAll
  static void start() {
    server = OAuth2TestServer.builder().accessTokenTimeToLive(Duration.ofSeconds(2)).deviceCodeTimeToLive(Duration.ofSeconds(2)).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void anAccessTokenOfTwoSecondsIsReplacedByTheSourceAfterHalfItsLifetime() {
    OAuth2Client client = OAuth2Client.builder(OAuth2TestServer.SERVICE_CLIENT_ID).clientSecret(OAuth2TestServer.SERVICE_CLIENT_SECRET)
        .endpoints(OAuth2Endpoints.of(server.tokenEndpoint())).build();
    OAuth2Tokens tokens = client.clientCredentials(List.of());
    Map<String, Object> claims = Jwt.claims(tokens.accessToken());
    assertThat(((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue()).isEqualTo(2);

    // The 60 s margin is longer than the token lives: the source uses half the lifetime instead.
    MutableClock clock = MutableClock.stopped();
    ClientCredentialsTokenSource source = ClientCredentialsTokenSource.builder(client).clock(clock).build();
    String first = source.token(false);
    assertThat(source.token(false)).isEqualTo(first);
    clock.advance(Duration.ofMillis(1500));
    assertThat(source.token(false)).isNotEqualTo(first);
  }

  @Test
  void theServersExpiredTokenAnswerEndsTheWait() {
    OAuth2Client client = OAuth2Client.builder(OAuth2TestServer.DEVICE_CLIENT_ID)
        .endpoints(new OAuth2Endpoints(server.tokenEndpoint(), null, server.deviceAuthorizationEndpoint())).build();
    // The device's clock stands still, so only the server can tell it the code expired.
    Clock stopped = Clock.fixed(Instant.now(), ZoneOffset.UTC);
    DeviceAuthorizationFlow flow = DeviceAuthorizationFlow.builder(client).clock(stopped).build();
    DeviceCode code = flow.start();
    assertThatThrownBy(() -> flow.await(code))
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("expired")
        .cause().isInstanceOfSatisfying(OAuth2Exception.class, e -> assertThat(e.error()).isEqualTo("expired_token"));
  }
}
