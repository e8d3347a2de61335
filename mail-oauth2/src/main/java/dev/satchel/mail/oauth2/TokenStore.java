package dev.satchel.mail.oauth2;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where refresh tokens are kept between runs, one per account. {@link RefreshingTokenSource} reads
 * the account's refresh token before each refresh and saves the new one when the server rotates it.
 *
 * <pre>{@code
 * TokenStore store = TokenStore.file(Path.of(System.getProperty("user.home"), ".satchel", "tokens.json"));
 * store.save("alice@example.com", tokens.refreshToken());
 * }</pre>
 *
 * <p>Implementations must be thread-safe. A refresh token is a password: an implementation keeps it
 * where only the owner can read it and never shows it in {@code toString()}, logs or messages. Use
 * one store (and one {@link RefreshingTokenSource} per account) per process: two processes that
 * rotate the same refresh token lock each other out.
 */
public interface TokenStore {

  /** The refresh token saved for {@code account}, if any. */
  Optional<String> refreshToken(String account);

  /** Saves {@code refreshToken} for {@code account}, replacing the one before. */
  void save(String account, String refreshToken);

  /** Forgets {@code account}'s refresh token; nothing happens when there is none. */
  void remove(String account);

  /** A store in memory: gone when the process ends. For tests and short-lived programs. */
  static TokenStore inMemory() {
    return new InMemoryTokenStore();
  }

  /**
   * A store in one JSON file ({@code {"version":1,"refreshTokens":{account: token}}}). The file is
   * created owner-only ({@code rw-------}) where the file system has POSIX permissions, its missing
   * directories {@code rwx------}; every change writes a temporary file in the same directory (also
   * owner-only), forces it to disk and renames it over the old one atomically, so a crash leaves the
   * old or the new file, never half of one. Several threads (and several stores on the same file) in
   * one JVM may use it; other processes must not write it at the same time.
   *
   * <p>A file that is not such JSON is reported with an {@link java.io.UncheckedIOException} naming the
   * file (never its content); remove it and sign in again.
   */
  static TokenStore file(Path file) {
    return new FileTokenStore(file);
  }
}
