package dev.satchel.mail.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases with fencing tokens in a database table: at most one owner holds a key at a time, for a time
 * to live that the holder renews, and each new owner gets a larger token.
 *
 * <pre>{@code
 * JdbcLeases leases = JdbcLeases.builder(dataSource).createSchema(true).build();
 * Optional<Lease> lease = leases.tryAcquire("imap:orders@example.com@imap.example.com/INBOX", "instance-7", Duration.ofSeconds(30));
 * if (lease.isPresent()) {
 *   SyncStateStore fenced = store.fenced(lease.get());   // its saves are refused once the lease is lost
 *   ...
 *   leases.renew(lease.get());                           // every ttl/3 or so, while working
 *   leases.release(lease.get());
 * }
 * }</pre>
 *
 * <p><b>Time.</b> Expiry is decided by the database's clock ({@code CURRENT_TIMESTAMP}), never by the
 * JVM's: instances with skewed clocks agree on who holds a lease. A holder that crashed is replaced
 * once its lease expired, so within one ttl of its last renewal.
 *
 * <p><b>Fencing.</b> A paused holder (a long GC, a frozen VM) may still believe it holds a lease that
 * another instance already took. Its token is then stale, and every write bound to the lease checks
 * the token in the same transaction ({@link JdbcSyncStateStore#fenced(Lease)}, {@link #isHeld}), so it
 * is refused. The row of a key stays after release so that tokens never repeat.
 *
 * <p>SQL: standard except {@code INTERVAL} arithmetic on {@code CURRENT_TIMESTAMP}, written as
 * PostgreSQL accepts it ({@code CURRENT_TIMESTAMP + ? * INTERVAL '0.001' SECOND}); {@code SELECT ...
 * FOR UPDATE} locks the lease row for the transaction. Thread-safe; every call is one short
 * transaction on a connection of the data source.
 */
public final class JdbcLeases {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcLeases.class);
  private static final int MAX_KEY = 1000;
  private static final int MAX_OWNER = 200;

  private final JdbcTables tables;
  private final String lockRow;
  private final String insert;
  private final String extend;
  private final String takeOver;
  private final String read;
  private final String release;

  private JdbcLeases(JdbcTables tables) {
    this.tables = tables;
    String t = tables.lease;
    String expiry = "CURRENT_TIMESTAMP + CAST(? AS BIGINT) * INTERVAL '0.001' SECOND";
    this.lockRow = "SELECT owner, token, CASE WHEN owner IS NOT NULL AND expires_at > CURRENT_TIMESTAMP THEN 1 ELSE 0 END"
        + " FROM " + t + " WHERE lease_key = ? FOR UPDATE";
    this.insert = "INSERT INTO " + t + " (lease_key, owner, token, acquired_at, expires_at) VALUES (?, ?, 1, CURRENT_TIMESTAMP, "
        + expiry + ")";
    this.extend = "UPDATE " + t + " SET expires_at = " + expiry + " WHERE lease_key = ? AND owner = ? AND token = ?";
    this.takeOver = "UPDATE " + t + " SET owner = ?, token = token + 1, acquired_at = CURRENT_TIMESTAMP, expires_at = " + expiry
        + " WHERE lease_key = ?";
    this.read = "SELECT token, expires_at FROM " + t + " WHERE lease_key = ?";
    this.release = "UPDATE " + t + " SET owner = NULL, expires_at = CURRENT_TIMESTAMP WHERE lease_key = ? AND owner = ? AND token = ?";
  }

  /** A builder over {@code dataSource}, which should be a connection pool. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * Takes the lease on {@code key} for {@code owner} when nobody holds it or its holder's lease
   * expired (a new, larger token), or extends it when {@code owner} holds it already (the same token).
   *
   * @param key what is leased, for a processor its state key; at most 1000 characters
   * @param owner who takes it: unique per instance (for example host name and a random suffix); at most 200 characters
   * @param ttl how long the lease lasts unless renewed; at least 1 millisecond
   * @return the lease, or empty when another owner holds it
   * @throws IllegalArgumentException when the key or owner is blank or too long, or the ttl is not positive
   * @throws java.io.UncheckedIOException when the database fails
   */
  public Optional<Lease> tryAcquire(String key, String owner, Duration ttl) {
    checkKey(key);
    checkOwner(owner);
    checkTtl(ttl);
    try {
      return tables.inTransaction(c -> acquire(c, key, owner, ttl));
    } catch (SQLException e) {
      if (JdbcTables.isConstraintViolation(e)) {
        LOG.debug("lease {}: another owner created it at the same moment", key);
        return Optional.empty(); // another instance inserted the first row of this key just now, and holds it
      }
      throw JdbcTables.failure("acquiring the lease \"" + key + "\" for \"" + owner + "\"", e);
    }
  }

  private Optional<Lease> acquire(Connection c, String key, String owner, Duration ttl) throws SQLException {
    long ttlMillis = Math.max(1, ttl.toMillis());
    String holder;
    long token;
    boolean live;
    try (PreparedStatement s = c.prepareStatement(lockRow)) {
      s.setString(1, key);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          try (PreparedStatement i = c.prepareStatement(insert)) {
            i.setString(1, key);
            i.setString(2, owner);
            i.setLong(3, ttlMillis);
            i.executeUpdate();
          }
          return Optional.of(read(c, key, owner, ttl));
        }
        holder = r.getString(1);
        token = r.getLong(2);
        live = r.getInt(3) == 1;
      }
    }
    if (live && !owner.equals(holder)) {
      return Optional.empty();
    }
    if (live) {
      try (PreparedStatement u = c.prepareStatement(extend)) {
        u.setLong(1, ttlMillis);
        u.setString(2, key);
        u.setString(3, owner);
        u.setLong(4, token);
        u.executeUpdate();
      }
    } else {
      try (PreparedStatement u = c.prepareStatement(takeOver)) {
        u.setString(1, owner);
        u.setLong(2, ttlMillis);
        u.setString(3, key);
        u.executeUpdate();
      }
      LOG.debug("lease {}: taken by {} (previous holder {}, token {})", key, owner, holder, token);
    }
    return Optional.of(read(c, key, owner, ttl));
  }

  private Lease read(Connection c, String key, String owner, Duration ttl) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(read)) {
      s.setString(1, key);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new SQLException("the lease row of \"" + key + "\" vanished inside its own transaction");
        }
        Timestamp expires = r.getTimestamp(2);
        return new Lease(key, owner, r.getLong(1), ttl, expires.toInstant());
      }
    }
  }

  /**
   * Extends the lease by its ttl from now (database clock), when it is still held under its owner
   * and token: also after its expiry, as long as nobody took it over.
   *
   * @return the renewed lease (same token, later expiry), or empty when it was lost
   * @throws java.io.UncheckedIOException when the database fails
   */
  public Optional<Lease> renew(Lease lease) {
    try {
      return tables.inTransaction(c -> {
        try (PreparedStatement u = c.prepareStatement(extend)) {
          u.setLong(1, Math.max(1, lease.ttl().toMillis()));
          u.setString(2, lease.key());
          u.setString(3, lease.owner());
          u.setLong(4, lease.token());
          if (u.executeUpdate() == 0) {
            return Optional.<Lease>empty();
          }
        }
        return Optional.of(read(c, lease.key(), lease.owner(), lease.ttl()));
      });
    } catch (SQLException e) {
      throw JdbcTables.failure("renewing the lease \"" + lease.key() + "\" of \"" + lease.owner() + "\"", e);
    }
  }

  /**
   * Gives the lease up, so that another owner can take it at once (with a larger token). Does nothing
   * when it was lost already.
   *
   * @return true when it was still held and is now released
   * @throws java.io.UncheckedIOException when the database fails
   */
  public boolean release(Lease lease) {
    try {
      return tables.inTransaction(c -> {
        try (PreparedStatement u = c.prepareStatement(release)) {
          u.setString(1, lease.key());
          u.setString(2, lease.owner());
          u.setLong(3, lease.token());
          return u.executeUpdate() == 1;
        }
      });
    } catch (SQLException e) {
      throw JdbcTables.failure("releasing the lease \"" + lease.key() + "\" of \"" + lease.owner() + "\"", e);
    }
  }

  /**
   * True when the lease row still names this owner and token (whether or not its expiry passed:
   * until someone else takes it, nobody else can write under it).
   *
   * @throws java.io.UncheckedIOException when the database fails
   */
  public boolean isHeld(Lease lease) {
    return whyNotHeld(lease).isEmpty();
  }

  /** Empty when the lease row names this owner and token, else what it names instead. */
  Optional<String> whyNotHeld(Lease lease) {
    try {
      return tables.inTransaction(c -> Optional.ofNullable(holder(c, lease, false)));
    } catch (SQLException e) {
      throw JdbcTables.failure("checking the lease \"" + lease.key() + "\" of \"" + lease.owner() + "\"", e);
    }
  }

  /**
   * Inside a caller's transaction: locks the lease row until that transaction ends (so that nobody
   * takes the lease over before the caller's writes commit) and throws unless it still names this
   * owner and token.
   *
   * @throws LeaseLostException when it does not; the caller's transaction must then roll back
   */
  static void checkHeld(Connection c, String leaseTable, Lease lease) throws SQLException {
    String why = holder(c, leaseTable, lease, true);
    if (why != null) {
      throw new LeaseLostException(lease.key(), lease.owner(), lease.token(), why);
    }
  }

  private @Nullable String holder(Connection c, Lease lease, boolean lock) throws SQLException {
    return holder(c, tables.lease, lease, lock);
  }

  /** Null when the row names the lease's owner and token, else what it names instead. */
  private static @Nullable String holder(Connection c, String leaseTable, Lease lease, boolean lock) throws SQLException {
    String sql = "SELECT owner, token FROM " + leaseTable + " WHERE lease_key = ?" + (lock ? " FOR UPDATE" : "");
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, lease.key());
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return "there is no lease row for this key";
        }
        String owner = r.getString(1);
        long token = r.getLong(2);
        if (token == lease.token() && lease.owner().equals(owner)) {
          return null;
        }
        String now = owner == null ? "nobody (released)" : "\"" + owner + "\"";
        return "the lease row names " + now + " with token " + token;
      }
    }
  }

  /** The table configuration, for the state store's fenced saves. */
  JdbcTables tables() {
    return tables;
  }

  @Override
  public String toString() {
    return "JdbcLeases[" + tables.lease + "]";
  }

  static String checkKey(String key) {
    return JdbcTables.checkText("lease key", key, MAX_KEY);
  }

  static String checkOwner(String owner) {
    return JdbcTables.checkText("lease owner", owner, MAX_OWNER);
  }

  static Duration checkTtl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.toMillis() < 1) {
      throw new IllegalArgumentException("lease ttl must be at least 1 millisecond, was " + ttl);
    }
    return ttl;
  }

  /** Builds {@link JdbcLeases}. Not thread-safe. */
  public static final class Builder extends TablesBuilder<Builder> {
    private Builder(DataSource dataSource) {
      super(dataSource);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Builds the leases, creating the schema first when asked.
     *
     * @throws java.io.UncheckedIOException when creating the schema fails
     */
    public JdbcLeases build() {
      return new JdbcLeases(tables());
    }
  }
}
