package dev.satchel.mail.oauth2.testserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The server does what its Javadoc promises, checked with plain HTTP (no Satchel client involved). */
class OAuth2TestServerTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static OAuth2TestServer server;

  @BeforeAll
  static void start() {
    server = OAuth2TestServer.start();
    System.out.println("OAuth2TestServer started in " + server.startupTime().toMillis() + " ms on " + server.issuer());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void listensOnLoopbackWithEveryEndpoint() {
    assertThat(server.issuer().getHost()).isEqualTo("127.0.0.1");
    assertThat(server.tokenEndpoint()).hasPath("/oauth2/token").hasPort(server.port());
    assertThat(server.authorizationEndpoint()).hasPath("/oauth2/authorize");
    assertThat(server.deviceAuthorizationEndpoint()).hasPath("/oauth2/device_authorization");
    assertThat(server.introspectionEndpoint()).hasPath("/oauth2/introspect");
    assertThat(server.revocationEndpoint()).hasPath("/oauth2/revoke");
    assertThat(server.publicKeyPem()).startsWith("-----BEGIN PUBLIC KEY-----\n");
  }

  @Test
  void clientCredentialsGiveAJwtWhoseSubjectIsTheClientAndAreCounted() throws Exception {
    int before = server.tokenRequests("client_credentials");
    Map<String, Object> answer = post(server.tokenEndpoint(), OAuth2TestServer.SERVICE_CLIENT_ID + ":" + OAuth2TestServer.SERVICE_CLIENT_SECRET,
        Map.of("grant_type", "client_credentials", "scope", "mail"));
    String token = (String) answer.get("access_token");
    assertThat(answer).containsEntry("token_type", "Bearer").containsKey("expires_in").doesNotContainKey("refresh_token");
    Map<String, Object> claims = jwtClaims(token);
    assertThat(claims).containsEntry("sub", OAuth2TestServer.SERVICE_CLIENT_ID).containsEntry("iss", server.issuer().toString());
    assertThat(server.tokenRequests("client_credentials")).isEqualTo(before + 1);
    assertThat(server.introspect(token)).containsEntry("active", true).containsEntry("sub", OAuth2TestServer.SERVICE_CLIENT_ID);
  }

  @Test
  void acceptsALoopbackRedirectOnAnyPortAndIssuesTokensForTheUser() throws Exception {
    String verifier = "v".repeat(43) + "-loopback-test";
    String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    for (int port : new int[] {49152, 61234}) {
      String redirect = "http://127.0.0.1:" + port + "/";
      URI request = URI.create(server.authorizationEndpoint() + "?" + form(Map.of("response_type", "code",
          "client_id", OAuth2TestServer.DESKTOP_CLIENT_ID, "redirect_uri", redirect, "scope", "mail",
          "state", "st-" + port, "code_challenge", challenge, "code_challenge_method", "S256")));
      URI back = server.signIn(request, "alice@example.test");
      assertThat(back.getPort()).isEqualTo(port);
      assertThat(back.getQuery()).contains("state=st-" + port).contains("code=");
      if (port == 61234) {
        String code = back.getQuery().replaceAll(".*code=([^&]*).*", "$1");
        Map<String, Object> tokens = post(server.tokenEndpoint(),
            OAuth2TestServer.DESKTOP_CLIENT_ID + ":" + OAuth2TestServer.DESKTOP_CLIENT_SECRET,
            Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", redirect, "code_verifier", verifier));
        assertThat(tokens).containsKey("refresh_token");
        assertThat(jwtClaims((String) tokens.get("access_token")))
            .containsEntry("sub", "alice@example.test").containsEntry("email", "alice@example.test");
      }
    }
  }

  @Test
  void refusesAnUnregisteredRedirect() {
    URI request = URI.create(server.authorizationEndpoint() + "?" + form(Map.of("response_type", "code",
        "client_id", OAuth2TestServer.DESKTOP_CLIENT_ID, "redirect_uri", "http://evil.example/", "scope", "mail",
        "state", "s", "code_challenge", "x".repeat(43), "code_challenge_method", "S256")));
    assertThatThrownBy(() -> server.signIn(request, "alice@example.test"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("HTTP 400");
  }

  @Test
  void aDeviceApprovedByTheUserGetsTokensAfterPending() throws Exception {
    Map<String, Object> start = post(server.deviceAuthorizationEndpoint(), null,
        Map.of("client_id", OAuth2TestServer.DEVICE_CLIENT_ID, "scope", "mail"));
    assertThat(start).containsKeys("device_code", "user_code", "verification_uri", "verification_uri_complete", "expires_in")
        .containsEntry("interval", 1);
    Map<String, String> poll = Map.of("grant_type", "urn:ietf:params:oauth:grant-type:device_code",
        "client_id", OAuth2TestServer.DEVICE_CLIENT_ID, "device_code", (String) start.get("device_code"));
    assertThat(post(server.tokenEndpoint(), null, poll)).containsEntry("error", "authorization_pending");
    server.approveDevice((String) start.get("user_code"), "bob@example.test");
    Map<String, Object> tokens = post(server.tokenEndpoint(), null, poll);
    assertThat(jwtClaims((String) tokens.get("access_token"))).containsEntry("sub", "bob@example.test");
    assertThat(tokens).containsKey("refresh_token");
  }

  @Test
  void aRevokedRefreshTokenIsAnInvalidGrant() throws Exception {
    Map<String, Object> start = post(server.deviceAuthorizationEndpoint(), null,
        Map.of("client_id", OAuth2TestServer.DEVICE_CLIENT_ID, "scope", "mail"));
    server.approveDevice((String) start.get("user_code"), "carol@example.test");
    Map<String, Object> tokens = post(server.tokenEndpoint(), null, Map.of("grant_type", "urn:ietf:params:oauth:grant-type:device_code",
        "client_id", OAuth2TestServer.DEVICE_CLIENT_ID, "device_code", (String) start.get("device_code")));
    assertThat(server.revokeRefreshTokens("carol@example.test")).isEqualTo(1);
    Map<String, Object> refused = post(server.tokenEndpoint(), null, Map.of("grant_type", "refresh_token",
        "client_id", OAuth2TestServer.DEVICE_CLIENT_ID, "refresh_token", (String) tokens.get("refresh_token")));
    assertThat(refused).containsEntry("error", "invalid_grant");
  }

  @Test
  void anExtraConfidentialClientGetsTokensForItsIdAndIntrospectsTheWayDovecotAsks() throws Exception {
    try (OAuth2TestServer extra = OAuth2TestServer.builder().confidentialClient("dovecot", "introspection-secret")
        .confidentialClient("mailbox@example.test", "mailbox-secret").start()) {
      String token = (String) post(extra.tokenEndpoint(), "mailbox@example.test:mailbox-secret",
          Map.of("grant_type", "client_credentials")).get("access_token");
      assertThat(jwtClaims(token)).containsEntry("sub", "mailbox@example.test");
      // Dovecot's oauth2 passdb (introspection_mode = post) sends empty client_id and client_secret
      // members beside HTTP Basic from its introspection_url.
      HttpRequest request = HttpRequest.newBuilder(extra.introspectionEndpoint())
          .header("Content-Type", "application/x-www-form-urlencoded")
          .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
              "dovecot:introspection-secret".getBytes(StandardCharsets.UTF_8)))
          .POST(HttpRequest.BodyPublishers.ofString("token=" + token + "&client_id=&client_secret="))
          .build();
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() { }))
          .containsEntry("active", true).containsEntry("sub", "mailbox@example.test");
      assertThat(extra.introspectionRequests()).isEqualTo(1);
    }
    assertThatThrownBy(() -> OAuth2TestServer.builder().confidentialClient(OAuth2TestServer.SERVICE_CLIENT_ID, "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
  }

  @Test
  void aTakenPortIsNamed() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> OAuth2TestServer.start(taken.getLocalPort()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort()).hasMessageContaining("taken");
    }
  }

  private static Map<String, Object> post(URI uri, String basic, Map<String, String> fields) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(fields)));
    if (basic != null) {
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() { });
  }

  private static Map<String, Object> jwtClaims(String jwt) {
    String payload = jwt.split("\\.")[1];
    return JSON.readValue(Base64.getUrlDecoder().decode(payload), new TypeReference<Map<String, Object>>() { });
  }

  private static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
