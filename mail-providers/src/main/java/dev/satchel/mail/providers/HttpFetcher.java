package dev.satchel.mail.providers;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The HTTP GET autodiscovery needs to fetch autoconfig files. Swap in a fake to test offline.
 *
 * <p>Implementations must be thread-safe (fetches run in parallel), must honour {@code timeout}, and
 * should give up when the calling thread is interrupted.
 */
public interface HttpFetcher {

  /** Largest body {@link #jdk()} accepts: 1 MiB. Autoconfig files are a few kilobytes. */
  int MAX_BODY_BYTES = 1 << 20;

  /**
   * An HTTP response.
   *
   * @param status the status code
   * @param body the body bytes (not copied)
   */
  record Response(int status, byte[] body) {
    /** Validates the response. */
    public Response {
      Objects.requireNonNull(body, "body");
    }
  }

  /**
   * Fetches {@code uri} with GET, following redirects except from https to http.
   *
   * @param timeout the most the whole exchange may take
   * @throws IOException when the fetch fails, times out, or the body is too large
   * @throws InterruptedException when the calling thread is interrupted
   */
  Response get(URI uri, Duration timeout) throws IOException, InterruptedException;

  /** The JDK's {@link java.net.http.HttpClient}: connect timeout 5 s, bodies up to 1 MiB. */
  static HttpFetcher jdk() {
    return new JdkHttpFetcher(Duration.ofSeconds(5));
  }
}
