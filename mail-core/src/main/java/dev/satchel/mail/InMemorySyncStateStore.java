package dev.satchel.mail;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** {@link SyncStateStore#inMemory()}: a concurrent map. */
final class InMemorySyncStateStore implements SyncStateStore {
  private final ConcurrentMap<String, SyncState> states = new ConcurrentHashMap<>();

  @Override
  public Optional<SyncState> load(String key) {
    return Optional.ofNullable(states.get(checkKey(key)));
  }

  @Override
  public void save(String key, SyncState state) {
    states.put(checkKey(key), state);
  }

  @Override
  public String toString() {
    return "SyncStateStore.inMemory[" + states.size() + " keys]";
  }

  static String checkKey(String key) {
    if (key.isBlank()) {
      throw new IllegalArgumentException("state key must not be blank");
    }
    return key;
  }
}
