package dev.satchel.mail.oauth2;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.satchel.mail.MailConnectionException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One form-encoded POST to an authorization server endpoint and its JSON answer, bounded in size and
 * time. A 200 answer is returned as a JSON object; an OAuth2 error answer becomes an
 * {@link OAuth2Exception}; anything else (no connection, timeout, 5xx, not JSON, too large) a
 * {@link MailConnectionException}. Neither ever contains what was sent.
 */
final class FormPost {
  private static final Logger LOG = LoggerFactory.getLogger(FormPost.class);
  static final int MAX_ANSWER_BYTES = 1 << 20;
  private static final int MAX_DESCRIPTION = 200;

  private FormPost() {}

  /**
   * Sends {@code form} with the client's authentication: HTTP Basic ({@code client_secret_basic})
   * when there is a secret, else {@code client_id} in the body.
   *
   * @param secrets values in {@code form} that must not appear in any message (they are removed from
   *     the server's {@code error_description} too)
   */
  static Map<String, Object> send(HttpClient http, Duration timeout, URI endpoint, String clientId,
      @Nullable String clientSecret, Map<String, String> form, Collection<String> secrets) {
    Map<String, String> fields = new LinkedHashMap<>(form);
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
        .timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json");
    if (clientSecret == null) {
      fields.put("client_id", clientId);
    } else {
      // RFC 6749 §2.3.1: both are form-encoded before they are joined and Base64-encoded.
      String pair = encode(clientId) + ":" + encode(clientSecret);
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    request.POST(HttpRequest.BodyPublishers.ofString(encode(fields)));
    String what = fields.containsKey("grant_type") ? "grant_type=" + fields.get("grant_type") : "request";
    long started = System.nanoTime();
    HttpResponse<byte[]> response = exchange(http, request.build(), timeout, endpoint);
    LOG.debug("POST {} ({}) answered HTTP {} in {} ms", endpoint, what, response.statusCode(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return answer(response, endpoint, secrets);
  }

  private static HttpResponse<byte[]> exchange(HttpClient http, HttpRequest request, Duration timeout, URI endpoint) {
    CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(request, BoundedBody.handler(MAX_ANSWER_BYTES));
    try {
      // The request timeout covers the wait for the status line; this bounds the body as well.
      return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new MailConnectionException("no complete answer from " + endpoint + " within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new MailConnectionException("interrupted while waiting for " + endpoint, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new MailConnectionException(failure(cause, endpoint, timeout), cause);
    }
  }

  private static String failure(Throwable cause, URI endpoint, Duration timeout) {
    if (cause instanceof HttpConnectTimeoutException) {
      return "cannot connect to " + endpoint + ": the connection timed out";
    }
    if (cause instanceof HttpTimeoutException) {
      return "no answer from " + endpoint + " within " + timeout.toSeconds() + " s";
    }
    if (cause instanceof ConnectException) {
      return "cannot connect to " + endpoint + " (" + cause.getMessage() + "); check the endpoint and the network";
    }
    if (cause instanceof IOException) {
      return "the request to " + endpoint + " failed: " + cause.getMessage();
    }
    return "the request to " + endpoint + " failed (" + cause.getClass().getSimpleName() + ")";
  }

  private static Map<String, Object> answer(HttpResponse<byte[]> response, URI endpoint, Collection<String> secrets) {
    int status = response.statusCode();
    Map<String, Object> json = parse(response.body());
    if (status == 200) {
      if (json == null) {
        throw new MailConnectionException(endpoint + " answered HTTP 200 with something that is not a JSON object ("
            + contentType(response) + ")");
      }
      return json;
    }
    Object error = json == null ? null : json.get("error");
    if (status >= 400 && status < 500 && error instanceof String code && !code.isBlank()) {
      throw new OAuth2Exception(clean(code, secrets), description(json, secrets), endpoint, status);
    }
    String code = error instanceof String s ? " (" + clean(s, secrets) + ")" : "";
    if (status >= 500) {
      throw new MailConnectionException(endpoint + " answered HTTP " + status + code + "; the authorization server has a problem, "
          + "try again later");
    }
    throw new MailConnectionException(endpoint + " answered HTTP " + status + code + " without an OAuth2 answer ("
        + contentType(response) + "); check the endpoint URI");
  }

  private static @Nullable Map<String, Object> parse(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      Object value = JSON.std.anyFrom(body);
      if (value instanceof Map<?, ?> map) {
        Map<String, Object> object = new LinkedHashMap<>();
        map.forEach((k, v) -> object.put(String.valueOf(k), v));
        return object;
      }
      return null;
    } catch (IOException | RuntimeException e) {
      // The parser's message quotes the answer, which may hold a token: never pass it on.
      return null;
    }
  }

  private static @Nullable String description(@Nullable Map<String, Object> json, Collection<String> secrets) {
    return json != null && json.get("error_description") instanceof String s && !s.isBlank() ? clean(s, secrets) : null;
  }

  /** Server text fit for a message: no control characters, nothing that was sent, at most 200 characters. */
  static String clean(String text, Collection<String> secrets) {
    String cleaned = text;
    for (String secret : secrets) {
      if (!secret.isEmpty()) {
        cleaned = cleaned.replace(secret, "[redacted]");
      }
    }
    cleaned = cleaned.replaceAll("\\p{Cntrl}", " ").strip();
    return cleaned.length() > MAX_DESCRIPTION ? cleaned.substring(0, MAX_DESCRIPTION) + "..." : cleaned;
  }

  private static String contentType(HttpResponse<?> response) {
    return "Content-Type " + response.headers().firstValue("Content-Type").orElse("none");
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String encode(Map<String, String> fields) {
    StringJoiner body = new StringJoiner("&");
    fields.forEach((name, value) -> body.add(encode(name) + "=" + encode(value)));
    return body.toString();
  }
}
