package dev.satchel.mail.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A lease held on a key: who holds it, its fencing token, and until when, as {@link JdbcLeases}
 * granted or renewed it.
 *
 * <p>The token is the lease's identity: it grows with every new holder of the key (and never goes
 * back, even after a release), so a write that carries the token can be refused once someone else took
 * over ({@link JdbcSyncStateStore#fenced(Lease)}). {@code expiresAt} is on the database's clock, which
 * may differ from this JVM's; it is for information, never compared with the local clock here.
 *
 * @param key the lease key (for a processor: its state key)
 * @param owner the holder, as given to {@link JdbcLeases#tryAcquire}
 * @param token the fencing token, at least 1
 * @param ttl how long each grant or renewal lasts
 * @param expiresAt the expiry the database recorded at the last grant or renewal (database clock)
 */
public record Lease(String key, String owner, long token, Duration ttl, Instant expiresAt) {
  /**
   * Checks the fields.
   *
   * @throws IllegalArgumentException when the key or owner is blank, the token below 1, or the ttl not positive
   */
  public Lease {
    JdbcLeases.checkKey(key);
    JdbcLeases.checkOwner(owner);
    if (token < 1) {
      throw new IllegalArgumentException("lease token must be >= 1, was " + token);
    }
    JdbcLeases.checkTtl(ttl);
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
