package dev.satchel.mail.oauth2;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Random;

/**
 * Proof Key for Code Exchange (RFC 7636) with method {@code S256}, and the random {@code state}.
 *
 * @param verifier 64 characters of {@code [A-Za-z0-9_-]} (RFC 7636 §4.1 allows 43 to 128 of
 *     {@code [A-Za-z0-9-._~]}): 48 random bytes, base64url without padding
 * @param challenge BASE64URL(SHA-256(verifier)) without padding (§4.2), 43 characters
 */
record Pkce(String verifier, String challenge) {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  /** A new verifier and its challenge; {@code random} should be a {@code SecureRandom}. */
  static Pkce generate(Random random) {
    byte[] bytes = new byte[48];
    random.nextBytes(bytes);
    String verifier = BASE64URL.encodeToString(bytes);
    return new Pkce(verifier, challenge(verifier));
  }

  static String challenge(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return BASE64URL.encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** A new {@code state}: 24 random bytes, base64url (32 characters). */
  static String state(Random random) {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return BASE64URL.encodeToString(bytes);
  }

  @Override
  public String toString() {
    return "Pkce[verifier=***, challenge=" + challenge + "]";
  }
}
