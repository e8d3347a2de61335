package dev.satchel.mail.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailConnectionException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Answers a real authorization server does not give, from a scripted one on loopback. */
class OAuth2ClientTest {
  private static final String TOKENS = "{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
  private ScriptedAuthorizationServer server;

  @BeforeEach
  void start() {
    server = new ScriptedAuthorizationServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OAuth2Client publicClient() {
    return OAuth2Client.builder("app").endpoints(server.endpoints()).requestTimeout(Duration.ofSeconds(5)).build();
  }

  @Test
  void aConfidentialClientUsesHttpBasicAndAPublicOneSendsItsId() {
    server.enqueueJson(200, TOKENS);
    server.enqueueJson(200, TOKENS);
    OAuth2Client.builder("app id").clientSecret("s3cr:et").endpoints(server.endpoints()).build().clientCredentials(List.of("a", "b"));
    publicClient().refresh("rt-1", List.of());

    ScriptedAuthorizationServer.Request confidential = server.requests.get(0);
    String basic = Base64.getEncoder().encodeToString("app+id:s3cr%3Aet".getBytes(StandardCharsets.UTF_8));
    assertThat(confidential.headers().get("Authorization")).containsExactly("Basic " + basic);
    assertThat(confidential.body()).isEqualTo("grant_type=client_credentials&scope=a+b").doesNotContain("client_id");
    ScriptedAuthorizationServer.Request open = server.requests.get(1);
    assertThat(open.headers()).doesNotContainKey("Authorization");
    assertThat(open.body()).isEqualTo("grant_type=refresh_token&refresh_token=rt-1&client_id=app");
    assertThat(open.headers().get("Content-type")).containsExactly("application/x-www-form-urlencoded");
  }

  @Test
  void readsExpiryScopesAndARotatedRefreshToken() {
    server.enqueueJson(200, "{\"access_token\":\"at\",\"token_type\":\"bearer\",\"expires_in\":\"120\","
        + "\"refresh_token\":\"rt-2\",\"scope\":\"mail  profile\"}");
    Instant before = Instant.now();
    OAuth2Tokens tokens = publicClient().refresh("rt-1", List.of("mail"));
    assertThat(tokens.refreshToken()).isEqualTo("rt-2");
    assertThat(tokens.scopes()).containsExactly("mail", "profile");
    assertThat(tokens.expiresAt()).isBetween(before.plusSeconds(120), Instant.now().plusSeconds(120));
    server.enqueueJson(200, "{\"access_token\":\"at\",\"token_type\":\"Bearer\"}");
    OAuth2Tokens noExpiry = publicClient().refresh("rt-2", List.of("mail"));
    assertThat(noExpiry.expiresAt()).isAfter(Instant.now().plus(Duration.ofMinutes(59)));
    assertThat(noExpiry.scopes()).containsExactly("mail");
    assertThat(noExpiry.refreshToken()).isNull();
  }

  @Test
  void refusesATokenThatIsNotBearer() {
    server.enqueueJson(200, "{\"access_token\":\"at\",\"token_type\":\"mac\",\"expires_in\":60}");
    assertThatThrownBy(() -> publicClient().refresh("rt", List.of()))
        .isInstanceOf(MailConnectionException.class).hasMessageContaining("\"mac\"").hasMessageContaining("Bearer");
    server.enqueueJson(200, "{\"access_token\":\"at\",\"expires_in\":60}");
    assertThatThrownBy(() -> publicClient().refresh("rt", List.of())).hasMessageContaining("type missing");
    server.enqueueJson(200, "{\"token_type\":\"Bearer\"}");
    assertThatThrownBy(() -> publicClient().refresh("rt", List.of())).hasMessageContaining("without an access_token");
  }

  @Test
  void anErrorAnswerNamesTheCodeAndEndpointButNothingThatWasSent() {
    server.enqueueJson(400, "{\"error\":\"invalid_grant\",\"error_description\":\"token rt-secret-77 was revoked\"}");
    assertThatThrownBy(() -> publicClient().refresh("rt-secret-77", List.of()))
        .isInstanceOfSatisfying(OAuth2Exception.class, e -> {
          assertThat(e.error()).isEqualTo("invalid_grant");
          assertThat(e.description()).isEqualTo("token [redacted] was revoked");
          assertThat(e.endpoint()).isEqualTo(server.uri("/token"));
          assertThat(e.statusCode()).isEqualTo(400);
        })
        .hasMessageContaining("invalid_grant").hasMessageContaining(server.uri("/token").toString())
        .hasMessageNotContaining("rt-secret-77");
  }

  @Test
  void serverErrorsAndStrangeAnswersAreConnectionFailuresWithoutTheBody() {
    server.enqueueJson(503, "{\"error\":\"temporarily_unavailable\"}");
    assertThatThrownBy(() -> publicClient().refresh("rt", List.of()))
        .isInstanceOf(MailConnectionException.class).hasMessageContaining("HTTP 503").hasMessageContaining("temporarily_unavailable");
    server.enqueue(new ScriptedAuthorizationServer.Answer(200, "text/html", "<html>at-in-page</html>".getBytes(StandardCharsets.UTF_8),
        Duration.ZERO, Map.of()));
    assertThatThrownBy(() -> publicClient().refresh("rt", List.of()))
        .isInstanceOf(MailConnectionException.class).hasMessageContaining("not a JSON object").hasMessageContaining("text/html")
        .hasMessageNotContaining("at-in-page");
    server.enqueue(new ScriptedAuthorizationServer.Answer(302, "text/plain", new byte[0], Duration.ZERO,
        Map.of("Location", "https://elsewhere.example/token")));
    assertThatThrownBy(() -> publicClient().refresh("rt", List.of()))
        .isInstanceOf(MailConnectionException.class).hasMessageContaining("HTTP 302");
    assertThat(server.requests).hasSize(3);
  }

  @Test
  void anAnswerOverOneMebibyteIsCutOff() {
    byte[] huge = new byte[(1 << 20) + 100];
    java.util.Arrays.fill(huge, (byte) ' ');
    huge[0] = '{';
    huge[huge.length - 1] = '}';
    server.enqueue(new ScriptedAuthorizationServer.Answer(200, "application/json", huge, Duration.ZERO, Map.of()));
    assertThatThrownBy(() -> publicClient().refresh("rt", List.of()))
        .isInstanceOf(MailConnectionException.class).hasMessageContaining("larger than 1048576 bytes");
  }

  @Test
  void aServerSlowerThanTheRequestTimeoutIsAConnectionFailure() {
    server.enqueue(new ScriptedAuthorizationServer.Answer(200, "application/json", TOKENS.getBytes(StandardCharsets.UTF_8),
        Duration.ofSeconds(5), Map.of()));
    OAuth2Client impatient = OAuth2Client.builder("app").endpoints(server.endpoints()).requestTimeout(Duration.ofMillis(300)).build();
    assertThatThrownBy(() -> impatient.refresh("rt", List.of()))
        .isInstanceOf(MailConnectionException.class).hasMessageContaining(server.uri("/token").toString());
  }

  @Test
  void slowDownAddsFiveSecondsToTheIntervalForGood() {
    server.enqueueJson(200, "{\"device_code\":\"dc-secret\",\"user_code\":\"WDJB-MJHT\",\"verification_url\":\"https://example.test/device\","
        + "\"expires_in\":1800}");
    server.enqueueJson(400, "{\"error\":\"authorization_pending\"}");
    server.enqueueJson(400, "{\"error\":\"slow_down\"}");
    server.enqueueJson(400, "{\"error\":\"authorization_pending\"}");
    server.enqueueJson(200, TOKENS);
    List<Duration> waited = new ArrayList<>();
    DeviceAuthorizationFlow flow = DeviceAuthorizationFlow.builder(publicClient()).sleeper(waited::add).build();
    DeviceCode code = flow.start();
    assertThat(code.interval()).as("no interval sent: 5 s").isEqualTo(Duration.ofSeconds(5));
    assertThat(code.verificationUri()).hasToString("https://example.test/device");
    assertThat(code.verificationUriComplete()).isNull();
    assertThat(flow.await(code).accessToken()).isEqualTo("at-1");
    assertThat(waited).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10));
    assertThat(server.requests.get(1).body()).contains("device_code=dc-secret")
        .contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code");
  }

  @Test
  void microsoftsDeclinedAnswerMeansDenied() {
    server.enqueueJson(200, "{\"device_code\":\"dc\",\"user_code\":\"U\",\"verification_uri\":\"https://example.test/d\",\"expires_in\":900,\"interval\":2}");
    server.enqueueJson(400, "{\"error\":\"authorization_declined\"}");
    DeviceAuthorizationFlow flow = DeviceAuthorizationFlow.builder(publicClient()).sleeper(d -> { }).build();
    DeviceCode code = flow.start();
    assertThat(code.interval()).isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> flow.await(code)).hasMessageContaining("denied");
  }

  @Test
  void builderChecksItsArguments() {
    assertThatThrownBy(() -> OAuth2Client.builder(" ")).hasMessageContaining("clientId");
    assertThatThrownBy(() -> OAuth2Client.builder("a").clientSecret("")).hasMessageContaining("clientSecret");
    assertThatThrownBy(() -> OAuth2Client.builder("a").requestTimeout(Duration.ZERO)).hasMessageContaining("requestTimeout must be positive, was PT0S");
    assertThatThrownBy(() -> OAuth2Client.builder("a").build()).hasMessageContaining("endpoints");
    assertThat(OAuth2Client.builder("a").clientSecret("hidden-secret").endpoints(server.endpoints()).build().toString())
        .contains("clientId=a").doesNotContain("hidden-secret");
  }
}
