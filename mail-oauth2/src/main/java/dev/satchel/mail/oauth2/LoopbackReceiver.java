package dev.satchel.mail.oauth2;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The loopback redirect of RFC 8252 §7.3: an HTTP listener on 127.0.0.1 (only) and an ephemeral port
 * that takes exactly one request to {@code /} (the browser coming back from the authorization
 * server), shows a page that says the window can be closed, and hands the query parameters over.
 * Other paths (a browser's {@code /favicon.ico}) get 404 and do not count.
 */
final class LoopbackReceiver implements AutoCloseable {
  private final HttpServer server;
  private final String expectedState;
  private final CompletableFuture<Answer> answer = new CompletableFuture<>();

  /**
   * The browser's request.
   *
   * @param parameters its query parameters (the first of each name)
   * @param stateMatches whether its {@code state} is the one expected (compared in constant time)
   */
  record Answer(Map<String, String> parameters, boolean stateMatches) {
  }

  private LoopbackReceiver(HttpServer server, String expectedState) {
    this.server = server;
    this.expectedState = expectedState;
  }

  /** Starts listening on 127.0.0.1 and an ephemeral port. */
  static LoopbackReceiver start(String expectedState) throws IOException {
    InetAddress loopback = InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
    HttpServer server = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
    LoopbackReceiver receiver = new LoopbackReceiver(server, expectedState);
    server.createContext("/", receiver::handle);
    server.setExecutor(null); // one dispatcher thread: requests are handled one after another
    server.start();
    return receiver;
  }

  /** {@code http://127.0.0.1:<port>/}. */
  URI redirectUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
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
    server.stop(0);
  }
}
