package dev.satchel.mail.oauth2;

import dev.satchel.mail.oauth2.testserver.OAuth2TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Plays the user's browser for {@link AuthorizationCodeFlow}: signs in at the test server with HTTP
 * Basic, then follows the redirect to the loopback listener (optionally changed first, to forge one)
 * and keeps the page it shows.
 */
final class TestBrowser implements Consumer<URI> {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(10))
      .build();

  private final OAuth2TestServer server;
  private final String user;
  private final UnaryOperator<URI> tamper;
  volatile @Nullable URI authorizationRequest;
  volatile @Nullable URI redirect;
  volatile @Nullable HttpResponse<String> page;

  TestBrowser(OAuth2TestServer server, String user) {
    this(server, user, UnaryOperator.identity());
  }

  TestBrowser(OAuth2TestServer server, String user, UnaryOperator<URI> tamper) {
    this.server = server;
    this.user = user;
    this.tamper = tamper;
  }

  @Override
  public void accept(URI request) {
    authorizationRequest = request;
    URI back = tamper.apply(server.signIn(request, user));
    redirect = back;
    // Browsers ask for an icon first; the listener must not take that as the answer.
    get(URI.create("http://127.0.0.1:" + back.getPort() + "/favicon.ico"));
    page = get(back);
  }

  static HttpResponse<String> get(URI uri) {
    try {
      return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
