package dev.satchel.mail.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class OAuth2EndpointsTest {

  @Test
  void acceptsHttpsAndPlainHttpOnlyToLoopback() {
    assertThat(OAuth2Endpoints.of(URI.create("https://login.example/token")).tokenEndpoint())
        .hasHost("login.example");
    for (String loopback : new String[] {"http://127.0.0.1:8080/token", "http://[::1]:8080/token", "http://localhost/token"}) {
      assertThat(OAuth2Endpoints.of(URI.create(loopback)).tokenEndpoint()).hasToString(loopback);
    }
  }

  @Test
  void refusesPlainHttpToAnotherHostNamingTheEndpointAndUri() {
    assertThatThrownBy(() -> new OAuth2Endpoints(URI.create("https://login.example/token"),
        URI.create("http://login.example/authorize"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("authorizationEndpoint")
        .hasMessageContaining("http://login.example/authorize")
        .hasMessageContaining("https");
    assertThatThrownBy(() -> OAuth2Endpoints.of(URI.create("http://127.0.0.2.example/token")))
        .hasMessageContaining("tokenEndpoint");
  }

  @Test
  void refusesRelativeFragmentAndUserInfoWithoutRepeatingThePassword() {
    assertThatThrownBy(() -> OAuth2Endpoints.of(URI.create("/token"))).hasMessageContaining("absolute");
    assertThatThrownBy(() -> OAuth2Endpoints.of(URI.create("https://login.example/token#x"))).hasMessageContaining("fragment");
    assertThatThrownBy(() -> OAuth2Endpoints.of(URI.create("https://app:hunter2@login.example/token")))
        .hasMessageContaining("user info")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void knowsMicrosoftAndGoogle() {
    OAuth2Endpoints microsoft = OAuth2Endpoints.microsoft("organizations");
    assertThat(microsoft.tokenEndpoint()).hasToString("https://login.microsoftonline.com/organizations/oauth2/v2.0/token");
    assertThat(microsoft.authorizationEndpoint()).hasToString("https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize");
    assertThat(microsoft.deviceAuthorizationEndpoint()).hasToString("https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode");
    assertThatThrownBy(() -> OAuth2Endpoints.microsoft("a/b")).hasMessageContaining("a/b");
    assertThat(OAuth2Endpoints.google().tokenEndpoint()).hasToString("https://oauth2.googleapis.com/token");
  }
}
