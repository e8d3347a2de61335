package dev.satchel.mail.oauth2;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A loopback HTTP server that answers with what the test scripts, for answers a real authorization
 * server does not give (slow_down, a wrong token type, a huge or slow body, HTTP 500), and records
 * the requests.
 */
final class ScriptedAuthorizationServer implements AutoCloseable {
  record Answer(int status, String contentType, byte[] body, Duration delay, Map<String, String> headers) {
    static Answer json(int status, String json) {
      return new Answer(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Duration.ZERO, Map.of());
    }
  }

  record Request(String method, String path, Map<String, List<String>> headers, String body) {
  }

  private final HttpServer server;
  private final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newCachedThreadPool();
  private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();

  ScriptedAuthorizationServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  void enqueue(Answer answer) {
    answers.add(answer);
  }

  void enqueueJson(int status, String json) {
    enqueue(Answer.json(status, json));
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  OAuth2Endpoints endpoints() {
    return new OAuth2Endpoints(uri("/token"), uri("/authorize"), uri("/device"));
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          Map.copyOf(exchange.getRequestHeaders()), body));
      Answer answer = answers.poll();
      if (answer == null) {
        answer = Answer.json(500, "{\"error\":\"server_error\",\"error_description\":\"nothing scripted\"}");
      }
      if (!answer.delay().isZero()) {
        Thread.sleep(answer.delay().toMillis());
      }
      exchange.getResponseHeaders().set("Content-Type", answer.contentType());
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer.body());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away (a timeout test): nothing to answer
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
