package dev.satchel.mail.oauth2.testserver;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts the requests that reach the token endpoint, per {@code grant_type}, and the introspection
 * endpoint, as they arrive (before Spring Security looks at them, so refused requests count too).
 */
final class TokenRequestCounter extends OncePerRequestFilter {
  private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final AtomicInteger introspections = new AtomicInteger();

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if ("POST".equals(request.getMethod()) && OAuth2TestServer.TOKEN_PATH.equals(request.getRequestURI())) {
      String grantType = request.getParameter("grant_type");
      counts.computeIfAbsent(grantType == null ? "" : grantType, g -> new AtomicInteger()).incrementAndGet();
    } else if ("POST".equals(request.getMethod()) && OAuth2TestServer.INTROSPECTION_PATH.equals(request.getRequestURI())) {
      introspections.incrementAndGet();
    }
    chain.doFilter(request, response);
  }

  int count(String grantType) {
    AtomicInteger n = counts.get(grantType);
    return n == null ? 0 : n.get();
  }

  int introspections() {
    return introspections.get();
  }

  void reset() {
    counts.clear();
    introspections.set(0);
  }
}
