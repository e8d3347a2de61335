package dev.satchel.mail.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.oauth2.testserver.OAuth2TestServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A server whose device codes live 2 seconds: its own {@code expired_token} answer ends the wait. */
class DeviceAuthorizationFlowExpiryTest {
  private static OAuth2TestServer server;

  @BeforeAll
  static void start() {
    server = OAuth2TestServer.builder().deviceCodeTimeToLive(Duration.ofSeconds(2)).start();
  }

  @AfterAll
  static void stop() {
    server.close();
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
