package dev.satchel.mail.oauth2;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An authorization server's answer: an access token, perhaps a refresh token, when the access token
 * expires and the scopes it carries. {@link #toString()} shows neither token.
 *
 * @param accessToken the bearer token to send to the mail server
 * @param refreshToken the token that gets new access tokens, or null when the server issued none
 * @param expiresAt when the access token expires (from the answer's {@code expires_in}, counted from
 *     when the request was sent)
 * @param scopes the granted scopes (the requested ones when the answer does not name them)
 */
public record OAuth2Tokens(String accessToken, @Nullable String refreshToken, Instant expiresAt, List<String> scopes) {

  /**
   * Checks and copies the values.
   *
   * @throws IllegalArgumentException when the access token is blank or the refresh token is blank
   *     (use null for none)
   */
  public OAuth2Tokens {
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (accessToken.isBlank()) {
      throw new IllegalArgumentException("accessToken must not be blank");
    }
    if (refreshToken != null && refreshToken.isBlank()) {
      throw new IllegalArgumentException("refreshToken must not be blank (null for none)");
    }
    scopes = List.copyOf(scopes);
  }

  @Override
  public String toString() {
    String refresh = refreshToken == null ? "none" : "***";
    return "OAuth2Tokens[accessToken=***, refreshToken=" + refresh + ", expiresAt=" + expiresAt + ", scopes=" + scopes + "]";
  }
}
