package dev.satchel.mail.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.oauth2.testserver.OAuth2TestServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClientCredentialsTokenSourceTest {
  private static final String GRANT = "client_credentials";
  private static OAuth2TestServer server;

  @BeforeAll
  static void start() {
    server = OAuth2TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static OAuth2Client client(String secret) {
    return OAuth2Client.builder(OAuth2TestServer.SERVICE_CLIENT_ID).clientSecret(secret)
        .endpoints(OAuth2Endpoints.of(server.tokenEndpoint())).build();
  }

  @Test
  void getsATokenForTheClientItselfAndReusesIt() {
    ClientCredentialsTokenSource source = ClientCredentialsTokenSource.builder(client(OAuth2TestServer.SERVICE_CLIENT_SECRET))
        .scopes(List.of("mail")).build();
    int before = server.tokenRequests(GRANT);
    String token = source.token(false);
    assertThat(Jwt.claims(token)).containsEntry("sub", OAuth2TestServer.SERVICE_CLIENT_ID).containsEntry("scope", List.of("mail"));
    assertThat(source.token(false)).isEqualTo(token);
    assertThat(server.tokenRequests(GRANT)).isEqualTo(before + 1);
    assertThat(server.introspect(token)).containsEntry("active", true);

    String forced = source.token(true);
    assertThat(forced).isNotEqualTo(token);
    assertThat(server.tokenRequests(GRANT)).isEqualTo(before + 2);
  }

  @Test
  void manyThreadsWithADueTokenMakeOneRequest() throws Exception {
    MutableClock clock = new MutableClock();
    ClientCredentialsTokenSource source = ClientCredentialsTokenSource.builder(client(OAuth2TestServer.SERVICE_CLIENT_SECRET))
        .clock(clock).build();
    String first = source.token(false);
    clock.advance(Duration.ofHours(1));
    int before = server.tokenRequests(GRANT);
    List<String> tokens = RefreshingTokenSourceTest.concurrently(30, () -> source.token(false));
    assertThat(new HashSet<>(tokens)).hasSize(1).doesNotContain(first);
    assertThat(server.tokenRequests(GRANT)).isEqualTo(before + 1);
  }

  @Test
  void aWrongSecretIsAnAuthenticationFailureNamingTheErrorButNotTheSecret() {
    ClientCredentialsTokenSource source = ClientCredentialsTokenSource.builder(client("wrong-secret-value")).build();
    assertThatThrownBy(() -> source.token(false))
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("invalid_client")
        .hasMessageContaining(OAuth2TestServer.SERVICE_CLIENT_ID)
        .hasMessageContaining("check the client id and secret")
        .hasMessageNotContaining("wrong-secret-value");
  }

  @Test
  void needsAClientSecret() {
    OAuth2Client publicClient = OAuth2Client.builder("public").endpoints(OAuth2Endpoints.of(server.tokenEndpoint())).build();
    assertThatThrownBy(() -> ClientCredentialsTokenSource.builder(publicClient))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no secret");
  }
}
