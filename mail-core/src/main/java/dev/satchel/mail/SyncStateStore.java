package dev.satchel.mail;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where an {@link InboxProcessor} keeps what it has handled, as one {@link SyncState} per key.
 *
 * <p>Two stores are built in: {@link #inMemory()} (lost when the process ends; for tests and for
 * handlers that are idempotent anyway) and {@link #file(Path)} (one file per key, replaced atomically
 * and synced to disk). To keep state in a database, use {@code dev.satchel:mail-jdbc}'s {@code
 * JdbcSyncStateStore} (rows per message, saves that write only what changed, fencing by a lease), or
 * implement the two methods over a table with a text column and {@link SyncState#serialize()} / {@link SyncState#parse(String)}: {@code save}
 * must replace the row in one transaction, so that a crash leaves either the old or the new state.
 *
 * <p>Implementations must be thread-safe. {@code save} must not return before the state is durable
 * (as durable as the store promises): the processor acknowledges a message only after it returned.
 */
public interface SyncStateStore {

  /**
   * The state last saved under {@code key}, or empty when none was.
   *
   * @throws IllegalArgumentException when the key is blank
   * @throws java.io.UncheckedIOException when the store cannot be read
   */
  Optional<SyncState> load(String key);

  /**
   * Replaces the state under {@code key}, all or nothing.
   *
   * @throws IllegalArgumentException when the key is blank
   * @throws java.io.UncheckedIOException when the store cannot be written; the previous state is then intact
   */
  void save(String key, SyncState state);

  /** A store in this process's memory. Thread-safe. */
  static SyncStateStore inMemory() {
    return new InMemorySyncStateStore();
  }

  /**
   * A store keeping one file per key in {@code directory} (created when missing). Each save writes a
   * temporary file, forces it to disk, and atomically renames it over the previous one: a crash at any
   * point leaves the previous state or the new one, never a mix. Thread-safe within one process; do
   * not point two processes at the same directory and key.
   *
   * @throws java.io.UncheckedIOException when the directory cannot be created
   */
  static SyncStateStore file(Path directory) {
    return new FileSyncStateStore(directory);
  }
}
