package dev.satchel.mail.oauth2;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link TokenStore#inMemory()}. */
final class InMemoryTokenStore implements TokenStore {
  private final ConcurrentHashMap<String, String> tokens = new ConcurrentHashMap<>();

  @Override
  public Optional<String> refreshToken(String account) {
    return Optional.ofNullable(tokens.get(checkAccount(account)));
  }

  @Override
  public void save(String account, String refreshToken) {
    tokens.put(checkAccount(account), checkToken(refreshToken));
  }

  @Override
  public void remove(String account) {
    tokens.remove(checkAccount(account));
  }

  static String checkAccount(String account) {
    if (account.isBlank()) {
      throw new IllegalArgumentException("account must not be blank");
    }
    return account;
  }

  static String checkToken(String refreshToken) {
    if (refreshToken.isBlank()) {
      throw new IllegalArgumentException("refreshToken must not be blank");
    }
    return refreshToken;
  }

  @Override
  public String toString() {
    return "TokenStore.inMemory";
  }
}
