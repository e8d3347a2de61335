package dev.satchel.mail.oauth2;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback redirect of RFC 8252 §7.3: an HTTP listener on 127.0.0.1 and an ephemeral port that
 * takes exactly one request to {@code /} (the browser coming back from the authorization server),
 * shows a page that says the window can be closed, and hands the query parameters over. Other paths
 * (a browser's {@code /favicon.ico}) get 404 and do not count.
 *
 * <p>With the host name {@code localhost} in the redirect URI the browser may resolve it to ::1 or to
 * 127.0.0.1, so the receiver then listens on the same port of both: it binds ::1 first on an
 * ephemeral port and then 127.0.0.1 on that port, choosing another port when that one is taken on
 * 127.0.0.1. A machine without IPv6 loopback gets 127.0.0.1 alone; browsers that find nothing on ::1
 * try 127.0.0.1 next.
 */
final class LoopbackReceiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoopbackReceiver.class);
  /** How often to look for a port free on both ::1 and 127.0.0.1 before giving up. */
  private static final int PORT_ATTEMPTS = 10;

  private final List<HttpServer> servers;
  private final String host;
  private final int port;
  private final String expectedState;
  private final CompletableFuture<Answer> answer = new CompletableFuture<>();
  private final AtomicBoolean claimed = new AtomicBoolean();

  /**
   * The browser's request.
   *
   * @param parameters its query parameters (the first of each name)
   * @param stateMatches whether its {@code state} is the one expected (compared in constant time)
   */
  record Answer(Map<String, String> parameters, boolean stateMatches) {
  }

  private LoopbackReceiver(List<HttpServer> servers, String host, String expectedState) {
    this.servers = servers;
    this.host = host;
    this.port = servers.get(0).getAddress().getPort();
    this.expectedState = expectedState;
  }

  private LoopbackReceiver listen() {
    for (HttpServer server : servers) {
      server.createContext("/", this::handle);
      server.setExecutor(null); // one dispatcher thread each; the first GET of / claims the answer
      server.start();
    }
    return this;
  }

  /** Starts listening on 127.0.0.1 and an ephemeral port; the redirect URI names 127.0.0.1. */
  static LoopbackReceiver start(String expectedState) throws IOException {
    return start(expectedState, AuthorizationCodeFlow.IPV4_LOOPBACK);
  }

  /**
   * Starts listening for a redirect URI with {@code host}: {@code 127.0.0.1} (that address only) or
   * {@code localhost} (::1 and 127.0.0.1 on the same port, see the class comment).
   */
  static LoopbackReceiver start(String expectedState, String host) throws IOException {
    InetAddress v4 = InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
    if (!host.equals(AuthorizationCodeFlow.LOCALHOST)) {
      return new LoopbackReceiver(List.of(HttpServer.create(new InetSocketAddress(v4, 0), 0)), host, expectedState).listen();
    }
    InetAddress v6 = InetAddress.getByAddress("::1", new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
      HttpServer six;
      try {
        six = HttpServer.create(new InetSocketAddress(v6, 0), 0);
      } catch (IOException e) {
        LOG.debug("no IPv6 loopback to listen on ({}); the redirect to localhost is taken on 127.0.0.1 only", e.toString());
        return new LoopbackReceiver(List.of(HttpServer.create(new InetSocketAddress(v4, 0), 0)), host, expectedState).listen();
      }
      int port = six.getAddress().getPort();
      try {
        return new LoopbackReceiver(List.of(HttpServer.create(new InetSocketAddress(v4, port), 0), six), host, expectedState).listen();
      } catch (BindException e) {
        six.stop(0);
        LOG.debug("port {} is free on ::1 but taken on 127.0.0.1; trying another", port);
      }
    }
    throw new BindException("found no port free on both ::1 and 127.0.0.1 in " + PORT_ATTEMPTS + " attempts");
  }

  /** {@code http://<host>:<port>/}. */
  URI redirectUri() {
    return URI.create("http://" + host + ":" + port + "/");
  }

  /** The addresses listened on, for tests. */
  List<InetSocketAddress> addresses() {
    return servers.stream().map(HttpServer::getAddress).toList();
  }

  /**
   * The one request, within {@code timeout}.
   *
   * @throws TimeoutException when no request came
   */
  Answer await(Duration timeout) throws TimeoutException, InterruptedException {
    try {
      return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the loopback receiver failed", e.getCause());
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (answer.isDone() || !"/".equals(exchange.getRequestURI().getPath())) {
        respond(exchange, 404, "Not found", "Nothing here.", "");
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, "Not allowed", "Only the browser's redirect is taken here.", "");
        return;
      }
      if (!claimed.compareAndSet(false, true)) { // the other address's listener took one first
        respond(exchange, 404, "Not found", "Nothing here.", "");
        return;
      }
      Map<String, String> parameters = query(exchange.getRequestURI().getRawQuery());
      String state = parameters.get("state");
      boolean ours = state != null && MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8),
          expectedState.getBytes(StandardCharsets.UTF_8));
      if (!ours) {
        respond(exchange, 400, "Sign-in refused", "Sign-in refused.",
            "This answer does not belong to the sign-in that was started, so it was not used.");
      } else if (parameters.containsKey("error")) {
        respond(exchange, 200, "Sign-in failed", "Sign-in failed.",
            "The authorization server answered: " + escape(parameters.get("error")) + ".");
      } else {
        respond(exchange, 200, "Signed in", "Signed in.", "The program has what it needs.");
      }
      answer.complete(new Answer(Map.copyOf(parameters), ours));
    }
  }

  private static void respond(HttpExchange exchange, int status, String title, String heading, String text) throws IOException {
    String html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body><h1>"
        + heading + "</h1><p>" + text + " You can close this window.</p></body></html>";
    byte[] page = html.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    exchange.sendResponseHeaders(status, page.length);
    try (OutputStream body = exchange.getResponseBody()) {
      body.write(page);
    }
  }

  static Map<String, String> query(@Nullable String rawQuery) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      parameters.putIfAbsent(name, value);
    }
    return parameters;
  }

  private static String escape(@Nullable String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == ' ' || c == '.') {
        out.append(c);
      } else {
        out.append("&#").append((int) c).append(';');
      }
    }
    return out.toString();
  }

  /** Stops listening at once. Idempotent. */
  @Override
  public void close() {
    servers.forEach(s -> s.stop(0));
  }
}
