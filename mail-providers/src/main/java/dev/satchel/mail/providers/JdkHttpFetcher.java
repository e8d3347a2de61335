package dev.satchel.mail.providers;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** {@link HttpFetcher} over the JDK HttpClient with finite timeouts and a body size cap. */
final class JdkHttpFetcher implements HttpFetcher {
  private final HttpClient client;

  JdkHttpFetcher(Duration connectTimeout) {
    this.client = HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  @Override
  public Response get(URI uri, Duration timeout) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/xml, text/xml")
        .header("User-Agent", "Satchel-mail-providers").GET().build();
    HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = response.body()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        throw new IOException(uri + " sent more than " + MAX_BODY_BYTES + " bytes");
      }
      return new Response(response.statusCode(), body);
    }
  }
}
