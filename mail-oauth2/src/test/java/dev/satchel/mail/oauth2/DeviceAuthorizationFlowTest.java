package dev.satchel.mail.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.oauth2.testserver.OAuth2TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeviceAuthorizationFlowTest {
  private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
  private static OAuth2TestServer server;

  @BeforeAll
  static void start() {
    server = OAuth2TestServer.start(); // announces interval 1 s
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static OAuth2Client client(String clientId) {
    return OAuth2Client.builder(clientId)
        .endpoints(new OAuth2Endpoints(server.tokenEndpoint(), null, server.deviceAuthorizationEndpoint())).build();
  }

  @Test
  void pollsWhilePendingAndGetsTokensOnceTheUserApproves() {
    DeviceAuthorizationFlow flow = DeviceAuthorizationFlow.builder(client(OAuth2TestServer.DEVICE_CLIENT_ID))
        .scopes(List.of("mail")).build();
    DeviceCode code = flow.start();
    assertThat(code.userCode()).isNotBlank();
    assertThat(code.verificationUri()).hasPath("/oauth2/device_verification");
    assertThat(code.verificationUriComplete()).isNotNull();
    assertThat(code.interval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(code.expiresAt()).isAfter(java.time.Instant.now());
    int before = server.tokenRequests(DEVICE_GRANT);

    // The user approves on their phone while the device waits before its second poll.
    AtomicInteger waits = new AtomicInteger();
    TokenStore store = TokenStore.inMemory();
    OAuth2Tokens tokens = DeviceAuthorizationFlow.builder(client(OAuth2TestServer.DEVICE_CLIENT_ID)).scopes(List.of("mail"))
        .sleeper(d -> {
          if (waits.incrementAndGet() == 2) {
            server.approveDevice(code.userCode(), "carol@example.test");
          }
        }).build().await(code, store, "carol@example.test");

    assertThat(Jwt.claims(tokens.accessToken())).containsEntry("sub", "carol@example.test");
    assertThat(store.refreshToken("carol@example.test")).contains(tokens.refreshToken());
    assertThat(server.tokenRequests(DEVICE_GRANT)).isEqualTo(before + 2);
    assertThat(code.toString()).contains(code.userCode()).doesNotContain(code.deviceCode());
  }

  @Test
  void waitsTheAnnouncedIntervalBetweenPolls() {
    DeviceAuthorizationFlow flow = DeviceAuthorizationFlow.builder(client(OAuth2TestServer.DEVICE_CLIENT_ID)).build();
    DeviceCode code = flow.start();
    server.approveDevice(code.userCode(), "dave@example.test");
    OAuth2Tokens tokens = flow.await(code); // the real sleeper: one interval (1 s), then the tokens
    assertThat(Jwt.claims(tokens.accessToken())).containsEntry("sub", "dave@example.test");
  }

  @Test
  void aDeniedRequestSaysTheUserDeniedIt() {
    OAuth2Client client = client(OAuth2TestServer.DEVICE_CONSENT_CLIENT_ID);
    DeviceCode code = DeviceAuthorizationFlow.builder(client).scopes(List.of("mail")).build().start();
    server.denyDevice(code.userCode(), "alice@example.test");
    DeviceAuthorizationFlow flow = DeviceAuthorizationFlow.builder(client).sleeper(d -> { }).build();
    assertThatThrownBy(() -> flow.await(code))
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("denied")
        .hasMessageContaining(code.userCode())
        .hasMessageNotContaining(code.deviceCode());
  }

  @Test
  void approvalThroughTheConsentPageWorksToo() {
    OAuth2Client client = client(OAuth2TestServer.DEVICE_CONSENT_CLIENT_ID);
    DeviceAuthorizationFlow flow = DeviceAuthorizationFlow.builder(client).scopes(List.of("mail")).sleeper(d -> { }).build();
    DeviceCode code = flow.start();
    server.approveDevice(code.userCode(), "bob@example.test");
    assertThat(Jwt.claims(flow.await(code).accessToken())).containsEntry("sub", "bob@example.test");
  }

  @Test
  void stopsWhenTheCodesExpireWhileStillPending() {
    MutableClock clock = new MutableClock();
    List<Duration> waited = new ArrayList<>();
    DeviceAuthorizationFlow flow = DeviceAuthorizationFlow.builder(client(OAuth2TestServer.DEVICE_CLIENT_ID)).clock(clock)
        .sleeper(d -> {
          waited.add(d);
          clock.advance(Duration.ofMinutes(1)); // nobody approves; time flies
        }).build();
    DeviceCode code = flow.start();
    assertThatThrownBy(() -> flow.await(code))
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("expired")
        .hasMessageContaining("start the sign-in again");
    assertThat(waited).isNotEmpty().allMatch(d -> d.equals(Duration.ofSeconds(1))).hasSizeLessThanOrEqualTo(5);
  }

  @Test
  void aCodeFromAnotherClientIsRefused() {
    DeviceCode code = DeviceAuthorizationFlow.builder(client(OAuth2TestServer.DEVICE_CLIENT_ID)).build().start();
    DeviceAuthorizationFlow other = DeviceAuthorizationFlow.builder(client(OAuth2TestServer.DEVICE_CONSENT_CLIENT_ID)).build();
    assertThatThrownBy(() -> other.await(code)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was started for client device-client");
  }
}
