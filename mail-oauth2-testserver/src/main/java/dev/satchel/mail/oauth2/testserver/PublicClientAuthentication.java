package dev.satchel.mail.oauth2.testserver;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Lets a public client (no secret) identify itself by {@code client_id} alone where no PKCE verifier
 * is possible: the device authorization request, device-code polling and the refresh grant. Spring
 * Authorization Server authenticates public clients only through PKCE out of the box; Microsoft's
 * and Google's device flows, and Microsoft's refresh for public clients, take the client id alone.
 */
final class PublicClientAuthentication {
  private static final String MARKER = PublicClientAuthentication.class.getName();
  private static final Set<String> GRANTS =
      Set.of("urn:ietf:params:oauth:grant-type:device_code", "refresh_token");

  private PublicClientAuthentication() {}

  /** Turns a request with only a {@code client_id} into an unauthenticated public-client token. */
  static AuthenticationConverter converter() {
    return request -> {
      if (!applies(request)) {
        return null;
      }
      return new OAuth2ClientAuthenticationToken(request.getParameter("client_id"), ClientAuthenticationMethod.NONE,
          null, Map.of(MARKER, true));
    };
  }

  private static boolean applies(HttpServletRequest request) {
    if (!"POST".equals(request.getMethod()) || request.getHeader("Authorization") != null
        || request.getParameter("client_secret") != null || request.getParameter("client_assertion") != null) {
      return false;
    }
    String[] clientIds = request.getParameterValues("client_id");
    if (clientIds == null || clientIds.length != 1 || clientIds[0].isEmpty()) {
      return false;
    }
    String path = request.getRequestURI();
    if (OAuth2TestServer.DEVICE_AUTHORIZATION_PATH.equals(path)) {
      return true;
    }
    return OAuth2TestServer.TOKEN_PATH.equals(path) && GRANTS.contains(request.getParameter("grant_type"));
  }

  /** Accepts the converter's tokens for clients registered with authentication method {@code none}. */
  static AuthenticationProvider provider(RegisteredClientRepository clients) {
    return new AuthenticationProvider() {
      @Override
      public @Nullable Authentication authenticate(Authentication authentication) {
        OAuth2ClientAuthenticationToken token = (OAuth2ClientAuthenticationToken) authentication;
        if (!Boolean.TRUE.equals(token.getAdditionalParameters().get(MARKER))) {
          return null; // not ours: PKCE requests go to Spring's own public-client provider
        }
        RegisteredClient client = clients.findByClientId(String.valueOf(token.getPrincipal()));
        if (client == null || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)) {
          throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
              "Client authentication failed: client_id", null));
        }
        return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
      }

      @Override
      public boolean supports(Class<?> authentication) {
        return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
      }
    };
  }
}
