package dev.satchel.mail.cli;

import dev.satchel.mail.oauth2.testserver.OAuth2TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Plays the user's browser for {@code satchel login}: signs in at the test server as the user (HTTP
 * Basic), then follows the redirect to the command's loopback listener and keeps the page it shows.
 */
final class TestBrowser implements Io.Browser {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(10))
      .build();

  private final OAuth2TestServer server;
  private final String user;
  volatile @Nullable URI request;
  volatile @Nullable HttpResponse<String> page;

  TestBrowser(OAuth2TestServer server, String user) {
    this.server = server;
    this.user = user;
  }

  @Override
  public boolean open(URI authorizationRequest) {
    request = authorizationRequest;
    URI back = server.signIn(authorizationRequest, user);
    try {
      page = HTTP.send(HttpRequest.newBuilder(back).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return true;
  }

  /** The query parameters of {@code uri}, decoded (the first of each name). */
  static Map<String, String> query(URI uri) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      parameters.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return parameters;
  }
}
