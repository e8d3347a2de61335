package dev.satchel.mail.jdbc;

import dev.satchel.mail.SyncState;
import dev.satchel.mail.SyncStateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SyncStateStore} in two database tables: a header row per key (folder, UIDVALIDITY, UIDNEXT,
 * HIGHESTMODSEQ, a version) and a row per known message (its id and its tokens). A save writes only
 * what changed since the last save of the key: the rows of new messages, of messages whose tokens
 * changed, and of messages that are gone, and the header.
 *
 * <pre>{@code
 * JdbcSyncStateStore store = JdbcSyncStateStore.builder(dataSource).createSchema(true).build();
 * InboxProcessor processor = InboxProcessor.builder().settings(imap).stateStore(store)...build();
 * }</pre>
 *
 * <p><b>Cost.</b> An {@link dev.satchel.mail.InboxProcessor} saves after each handled message (or each
 * second): with this store such a save is one transaction of a few rows whatever the size of the
 * state, where {@link SyncStateStore#file} rewrites the whole state. The store keeps the state it saved
 * (or loaded) last per key in memory to compute the difference (for the {@linkplain Builder#cachedStates
 * 1,000 keys} used last), with the header's version: when another
 * instance saved the key in between (its version moved on), or nothing is known, the save rewrites all
 * of the key's rows instead, still in one transaction.
 *
 * <p><b>Fencing.</b> {@link #fenced(Lease)} gives a view of this store whose saves check in the same
 * transaction that a {@link JdbcLeases} lease is still held, and write nothing when it is not.
 *
 * <p>SQL: standard (JDBC batches, {@code SELECT ... FOR UPDATE}); the schema file uses {@code TEXT} and
 * {@code CREATE TABLE IF NOT EXISTS}. Tested on PostgreSQL 15. Every save is one transaction at the
 * connection's default isolation (READ COMMITTED is enough: the header row's lock orders saves of one
 * key); loads read in one REPEATABLE READ transaction, so that a concurrent save is seen whole or not
 * at all. Thread-safe.
 */
public final class JdbcSyncStateStore implements SyncStateStore {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcSyncStateStore.class);
  private static final int MAX_KEY = 1000;

  private final JdbcTables tables;
  /** Default number of keys whose last saved state is kept in memory: 1,000. */
  public static final int DEFAULT_CACHED_STATES = 1_000;

  /** The state saved or loaded last per key, least recently used first; guarded by itself. */
  private final Map<String, Saved> lastSaved;
  private final AtomicLong rowsWritten = new AtomicLong();

  /** What the store last wrote (with how many rows) or read under a key, at which version of the header. */
  private record Saved(long version, SyncState state, long rows) {}

  private JdbcSyncStateStore(JdbcTables tables, int cachedStates) {
    this.tables = tables;
    this.lastSaved = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Saved> eldest) {
        return size() > cachedStates;
      }
    };
  }

  /** A builder over {@code dataSource}, which should be a connection pool. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  @Override
  public Optional<SyncState> load(String key) {
    checkKey(key);
    try (Connection c = tables.dataSource.getConnection()) {
      int isolation = c.getTransactionIsolation();
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        return JdbcTables.inTransactionOn(c, conn -> read(conn, key));
      } finally {
        c.setTransactionIsolation(isolation);
      }
    } catch (SQLException e) {
      throw JdbcTables.failure("loading the sync state \"" + key + "\"", e);
    }
  }

  private Optional<SyncState> read(Connection c, String key) throws SQLException {
    String folder;
    OptionalLong validity;
    OptionalLong next;
    OptionalLong modseq;
    long version;
    try (PreparedStatement s = c.prepareStatement("SELECT folder, uid_validity, uid_next, highest_mod_seq, version FROM "
        + tables.state + " WHERE state_key = ?")) {
      s.setString(1, key);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        folder = r.getString(1);
        validity = optionalLong(r, 2);
        next = optionalLong(r, 3);
        modseq = optionalLong(r, 4);
        version = r.getLong(5);
      }
    }
    Map<String, Set<String>> known = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement("SELECT message_id, tokens FROM " + tables.message + " WHERE state_key = ?")) {
      s.setString(1, key);
      s.setFetchSize(1000);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          known.put(r.getString(1), tokens(r.getString(2)));
        }
      }
    }
    SyncState state;
    try {
      state = new SyncState(folder, validity, next, modseq, known);
    } catch (IllegalArgumentException e) {
      throw new SQLException("the rows of sync state \"" + key + "\" are damaged (" + e.getMessage()
          + "); they were not written by this store, or were edited", "22000", e);
    }
    remember(key, version, state);
    return Optional.of(state);
  }

  private static OptionalLong optionalLong(ResultSet r, int column) throws SQLException {
    long v = r.getLong(column);
    return r.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
  }

  private static Set<String> tokens(String text) {
    if (text.isEmpty()) {
      return Set.of();
    }
    return new TreeSet<>(Arrays.asList(text.split(" ", -1)));
  }

  @Override
  public void save(String key, SyncState state) {
    save(key, state, null);
  }

  /** Saves, first checking (and locking) {@code lease} in the same transaction when it is given. */
  void save(String key, SyncState state, @Nullable Lease lease) {
    checkKey(key);
    Objects.requireNonNull(state, "state");
    for (int attempt = 1; ; attempt++) {
      try {
        Saved saved = tables.inTransaction(c -> {
          if (lease != null) {
            JdbcLeases.checkHeld(c, tables.lease, lease);
          }
          return write(c, key, state);
        });
        remember(key, saved.version(), saved.state());
        rowsWritten.addAndGet(saved.rows());
        return;
      } catch (SQLException e) {
        // Two first saves of one key at once: one header insert loses; the second attempt finds the header.
        if (attempt == 1 && JdbcTables.isConstraintViolation(e)) {
          LOG.debug("sync state {}: its first save collided with another; saving again", key);
          continue;
        }
        throw JdbcTables.failure("saving the sync state \"" + key + "\"", e);
      }
    }
  }

  private Saved write(Connection c, String key, SyncState state) throws SQLException {
    OptionalLong current = lockHeader(c, key);
    Saved before;
    synchronized (lastSaved) {
      before = lastSaved.get(key);
    }
    long rows;
    long version;
    if (current.isEmpty()) {
      version = 1;
      insertHeader(c, key, state);
      rows = 1 + insertAll(c, key, state);
    } else {
      version = current.getAsLong() + 1;
      updateHeader(c, key, state, version);
      if (before != null && before.version() == current.getAsLong()) {
        rows = 1 + writeDifference(c, key, before.state(), state);
      } else {
        LOG.debug("sync state {}: saved elsewhere since (version {}), or not known here; rewriting its rows", key, current);
        rows = 1 + deleteAll(c, key) + insertAll(c, key, state);
      }
    }
    return new Saved(version, state, rows);
  }

  /** The header's version, locked until the transaction ends, or empty when the key has no header. */
  private OptionalLong lockHeader(Connection c, String key) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT version FROM " + tables.state + " WHERE state_key = ? FOR UPDATE")) {
      s.setString(1, key);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? OptionalLong.of(r.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  private void insertHeader(Connection c, String key, SyncState state) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + tables.state
        + " (folder, uid_validity, uid_next, highest_mod_seq, version, saved_at, state_key) VALUES (?, ?, ?, ?, 1, CURRENT_TIMESTAMP, ?)")) {
      header(s, key, state);
      s.executeUpdate();
    }
  }

  private void updateHeader(Connection c, String key, SyncState state, long version) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("UPDATE " + tables.state
        + " SET folder = ?, uid_validity = ?, uid_next = ?, highest_mod_seq = ?, version = " + version
        + ", saved_at = CURRENT_TIMESTAMP WHERE state_key = ?")) {
      header(s, key, state);
      s.executeUpdate();
    }
  }

  private static void header(PreparedStatement s, String key, SyncState state) throws SQLException {
    s.setString(1, state.folder());
    setOptional(s, 2, state.uidValidity());
    setOptional(s, 3, state.uidNext());
    setOptional(s, 4, state.highestModSeq());
    s.setString(5, key);
  }

  private static void setOptional(PreparedStatement s, int index, OptionalLong value) throws SQLException {
    if (value.isPresent()) {
      s.setLong(index, value.getAsLong());
    } else {
      s.setNull(index, Types.BIGINT);
    }
  }

  private long deleteAll(Connection c, String key) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM " + tables.message + " WHERE state_key = ?")) {
      s.setString(1, key);
      return s.executeUpdate();
    }
  }

  private long insertAll(Connection c, String key, SyncState state) throws SQLException {
    try (Rows rows = new Rows(c, key)) {
      state.known().forEach((id, flags) -> rows.insert(id, flags));
      return rows.flush();
    }
  }

  /** Writes the rows that differ between two states of a key: both maps are sorted by id, walked together. */
  private long writeDifference(Connection c, String key, SyncState before, SyncState after) throws SQLException {
    try (Rows rows = new Rows(c, key)) {
      if (before.known() == after.known()) {
        return rows.flush();
      }
      // Key and value iterators of SyncState's maps hand out their array elements: no entry objects.
      Iterator<String> oldIds = before.known().keySet().iterator();
      Iterator<Set<String>> oldFlags = before.known().values().iterator();
      Iterator<String> newIds = after.known().keySet().iterator();
      Iterator<Set<String>> newFlags = after.known().values().iterator();
      String o = oldIds.hasNext() ? oldIds.next() : null;
      String n = newIds.hasNext() ? newIds.next() : null;
      while (o != null || n != null) {
        if (o != null && (n == null || o.compareTo(n) < 0)) {
          rows.delete(o);
          oldFlags.next();
          o = oldIds.hasNext() ? oldIds.next() : null;
        } else if (n != null && (o == null || o.compareTo(n) > 0)) {
          rows.insert(n, newFlags.next());
          n = newIds.hasNext() ? newIds.next() : null;
        } else if (n != null) {
          Set<String> was = oldFlags.next();
          Set<String> is = newFlags.next();
          if (was != is && !was.equals(is)) {
            rows.update(n, is);
          }
          o = oldIds.hasNext() ? oldIds.next() : null;
          n = newIds.hasNext() ? newIds.next() : null;
        }
      }
      return rows.flush();
    }
  }

  /** Keeps what was saved or loaded at {@code version}, unless something newer is kept already. */
  private void remember(String key, long version, SyncState state) {
    synchronized (lastSaved) {
      lastSaved.merge(key, new Saved(version, state, 0), (old, neu) -> neu.version() >= old.version() ? neu : old);
    }
  }

  /**
   * This store with every save bound to {@code lease}: in the save's transaction the lease row is
   * locked and must still name the lease's owner and token, else the save throws {@link
   * LeaseLostException} and writes nothing. Loads are not fenced. The lease must come from {@link
   * JdbcLeases} on the same database and table prefix.
   */
  public SyncStateStore fenced(Lease lease) {
    Objects.requireNonNull(lease, "lease");
    return fenced(() -> lease);
  }

  /** Fenced by whatever lease {@code current} returns at each save (a {@link LeasedProcessor}'s current tenure). */
  SyncStateStore fenced(java.util.function.Supplier<Lease> current) {
    return new SyncStateStore() {
      @Override
      public Optional<SyncState> load(String key) {
        return JdbcSyncStateStore.this.load(key);
      }

      @Override
      public void save(String key, SyncState state) {
        JdbcSyncStateStore.this.save(key, state, current.get());
      }

      @Override
      public String toString() {
        return JdbcSyncStateStore.this + ".fenced";
      }
    };
  }

  /**
   * Rows written (inserted, updated or deleted, header rows included) by this store's committed saves
   * since it was built; for measurements and tests.
   */
  public long rowsWritten() {
    return rowsWritten.get();
  }

  @Override
  public String toString() {
    return "JdbcSyncStateStore[" + tables.state + ", " + tables.message + "]";
  }

  private static void checkKey(String key) {
    JdbcTables.checkText("state key", key, MAX_KEY);
  }

  /** Batched inserts, updates and deletes of one key's message rows. */
  private final class Rows implements AutoCloseable {
    private final Connection c;
    private final String key;
    private @Nullable PreparedStatement insert;
    private @Nullable PreparedStatement update;
    private @Nullable PreparedStatement delete;
    private long count;
    private @Nullable SQLException failure;

    Rows(Connection c, String key) {
      this.c = c;
      this.key = key;
    }

    void insert(String id, Set<String> flags) {
      try {
        if (insert == null) {
          insert = c.prepareStatement("INSERT INTO " + tables.message + " (tokens, state_key, message_id) VALUES (?, ?, ?)");
        }
        add(insert, id, String.join(" ", flags));
      } catch (SQLException e) {
        fail(e);
      }
    }

    void update(String id, Set<String> flags) throws SQLException {
      if (update == null) {
        update = c.prepareStatement("UPDATE " + tables.message + " SET tokens = ? WHERE state_key = ? AND message_id = ?");
      }
      add(update, id, String.join(" ", flags));
    }

    void delete(String id) throws SQLException {
      if (delete == null) {
        delete = c.prepareStatement("DELETE FROM " + tables.message + " WHERE state_key = ? AND message_id = ?");
      }
      delete.setString(1, key);
      delete.setString(2, id);
      batch(delete);
    }

    private void add(PreparedStatement s, String id, String tokens) throws SQLException {
      s.setString(1, tokens);
      s.setString(2, key);
      s.setString(3, id);
      batch(s);
    }

    private void batch(PreparedStatement s) throws SQLException {
      s.addBatch();
      count++;
      if (count % 1000 == 0) {
        s.executeBatch();
      }
    }

    private void fail(SQLException e) {
      if (failure == null) {
        failure = e;
      }
    }

    /** Sends what is still batched. */
    long flush() throws SQLException {
      if (failure != null) {
        throw failure;
      }
      for (PreparedStatement s : new PreparedStatement[] {delete, update, insert}) {
        if (s != null) {
          s.executeBatch();
        }
      }
      return count;
    }

    @Override
    public void close() throws SQLException {
      for (PreparedStatement s : new PreparedStatement[] {insert, update, delete}) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  /** Builds {@link JdbcSyncStateStore}. Not thread-safe. */
  public static final class Builder extends TablesBuilder<Builder> {
    private int cachedStates = DEFAULT_CACHED_STATES;

    private Builder(DataSource dataSource) {
      super(dataSource);
    }

    /**
     * How many keys' last saved (or loaded) states the store keeps in memory to save only the
     * difference, least recently used dropped first. Default {@link #DEFAULT_CACHED_STATES} (1,000).
     * A processor loads its state at the start of every run, which puts it back; a key that was
     * dropped between its load and its save is rewritten whole at that save. Each kept state holds its
     * message ids and tokens (roughly 100 to 200 bytes per message): lower this when many large mailboxes share
     * one store, raise it when more than this many processors run at the same time.
     *
     * @throws IllegalArgumentException when below 1
     */
    public Builder cachedStates(int keys) {
      if (keys < 1) {
        throw new IllegalArgumentException("cachedStates must be >= 1, was " + keys);
      }
      this.cachedStates = keys;
      return this;
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Builds the store, creating the schema first when asked.
     *
     * @throws java.io.UncheckedIOException when creating the schema fails
     */
    public JdbcSyncStateStore build() {
      return new JdbcSyncStateStore(tables(), cachedStates);
    }
  }
}
