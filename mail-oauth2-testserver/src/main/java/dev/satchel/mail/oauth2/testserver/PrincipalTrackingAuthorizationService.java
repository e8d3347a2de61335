package dev.satchel.mail.oauth2.testserver;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Spring's in-memory authorization service, plus an index from user to authorizations so a test can
 * revoke everything a user was granted (the in-memory service can only be searched by token).
 */
final class PrincipalTrackingAuthorizationService implements OAuth2AuthorizationService {
  private final InMemoryOAuth2AuthorizationService delegate = new InMemoryOAuth2AuthorizationService();
  private final ConcurrentHashMap<String, Set<String>> idsByPrincipal = new ConcurrentHashMap<>();

  @Override
  public void save(OAuth2Authorization authorization) {
    delegate.save(authorization);
    idsByPrincipal.computeIfAbsent(authorization.getPrincipalName(), p -> ConcurrentHashMap.newKeySet())
        .add(authorization.getId());
  }

  @Override
  public void remove(OAuth2Authorization authorization) {
    delegate.remove(authorization);
    Set<String> ids = idsByPrincipal.get(authorization.getPrincipalName());
    if (ids != null) {
      ids.remove(authorization.getId());
    }
  }

  @Override
  public @Nullable OAuth2Authorization findById(String id) {
    return delegate.findById(id);
  }

  @Override
  public @Nullable OAuth2Authorization findByToken(String token, @Nullable OAuth2TokenType tokenType) {
    return delegate.findByToken(token, tokenType);
  }

  /** Invalidates every refresh token issued to {@code principal} (and the access tokens beside them). */
  int revokeRefreshTokens(String principal) {
    int revoked = 0;
    for (String id : idsByPrincipal.getOrDefault(principal, Set.of())) {
      OAuth2Authorization authorization = delegate.findById(id);
      if (authorization == null) {
        continue;
      }
      OAuth2Authorization.Token<OAuth2RefreshToken> refresh = authorization.getRefreshToken();
      if (refresh != null && !refresh.isInvalidated()) {
        delegate.save(OAuth2Authorization.from(authorization).invalidate(refresh.getToken()).build());
        revoked++;
      }
    }
    return revoked;
  }
}
