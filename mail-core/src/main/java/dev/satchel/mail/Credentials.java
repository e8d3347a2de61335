package dev.satchel.mail;

import java.util.Arrays;

/**
 * How to log in: a password or OAuth2.
 *
 * <p>No implementation ever shows its secret in {@code toString()}; Satchel never writes secrets to
 * logs or exception messages.
 */
public sealed interface Credentials permits Credentials.Password, Credentials.OAuth2 {

  /** The login name sent to the server. */
  String username();

  /** Password (or app password) credentials. */
  static Credentials password(String username, String password) {
    return new Password(username, password.toCharArray());
  }

  /** OAuth2 (SASL XOAUTH2) credentials whose token is asked of {@code tokens} on every connect. */
  static Credentials oauth2(String username, TokenSource tokens) {
    return new OAuth2(username, tokens);
  }

  /**
   * A user name and password. Immutable: the secret is copied in and out.
   */
  final class Password implements Credentials {
    private final String username;
    private final char[] secret;

    /**
     * Creates password credentials.
     *
     * @throws IllegalArgumentException when the username is blank or either contains CR, LF or NUL
     */
    public Password(String username, char[] secret) {
      requireLoginName(username);
      for (char c : secret) {
        if (c == '\r' || c == '\n' || c == '\0') {
          throw new IllegalArgumentException("password must not contain CR, LF or NUL");
        }
      }
      this.username = username;
      this.secret = secret.clone();
    }

    @Override
    public String username() {
      return username;
    }

    /** A copy of the password. */
    public char[] secret() {
      return secret.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Password p && p.username.equals(username) && Arrays.equals(p.secret, secret);
    }

    @Override
    public int hashCode() {
      return username.hashCode();
    }

    @Override
    public String toString() {
      return "Password[username=" + username + ", secret=***]";
    }
  }

  /**
   * A user name and a source of OAuth2 access tokens.
   *
   * @param username the account, usually the full address
   * @param tokens asked for a token on every connect
   */
  record OAuth2(String username, TokenSource tokens) implements Credentials {
    /**
     * Creates OAuth2 credentials.
     *
     * @throws IllegalArgumentException when the username is blank or contains CR, LF or NUL
     */
    public OAuth2 {
      requireLoginName(username);
    }

    @Override
    public String toString() {
      return "OAuth2[username=" + username + ", tokens=***]";
    }
  }

  private static void requireLoginName(String username) {
    if (username.isBlank()) {
      throw new IllegalArgumentException("username must not be blank");
    }
    for (int i = 0; i < username.length(); i++) {
      char c = username.charAt(i);
      if (c == '\r' || c == '\n' || c == '\0') {
        throw new IllegalArgumentException(
            "username must not contain CR, LF or NUL, was \"" + username.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0") + "\"");
      }
    }
  }
}
