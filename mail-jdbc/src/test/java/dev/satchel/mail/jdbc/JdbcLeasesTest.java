package dev.satchel.mail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.SyncState;
import dev.satchel.mail.SyncStateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import javax.sql.DataSource;

class JdbcLeasesTest {
  private static final Duration LONG = Duration.ofMinutes(5);

  private static DataSource db;
  private static String prefix;
  private static JdbcLeases leases;
  private static JdbcSyncStateStore store;

  @BeforeAll
  static void schema() {
    if (Postgres.skipRequested()) {
      return;
    }
    db = Postgres.dataSource();
    prefix = Postgres.uniquePrefix();
    leases = JdbcLeases.builder(db).tablePrefix(prefix).createSchema(true).build();
    store = JdbcSyncStateStore.builder(db).tablePrefix(prefix).build();
  }

  @org.junit.jupiter.api.BeforeEach
  void gate() {
    Postgres.assumeNotSkipped();
  }

  @AfterAll
  static void dropTables() throws Exception {
    if (db != null) {
      Postgres.drop(db, prefix);
    }
  }

  private static SyncState state(int messages) {
    Map<String, Set<String>> known = new java.util.TreeMap<>();
    for (int i = 1; i <= messages; i++) {
      known.put("imap:7/" + i, Set.of("handled=1"));
    }
    return new SyncState("INBOX", OptionalLong.of(7), OptionalLong.of(messages + 1L), OptionalLong.empty(), known);
  }

  @Test
  void aFreeKeyIsGrantedWithTokenOneAndRefusedToOthers() {
    Lease a = leases.tryAcquire("free", "a", LONG).orElseThrow();

    assertThat(a.token()).isEqualTo(1);
    assertThat(a.owner()).isEqualTo("a");
    assertThat(leases.tryAcquire("free", "b", LONG)).isEmpty();
    assertThat(leases.isHeld(a)).isTrue();
  }

  @Test
  void theHolderAcquiringAgainKeepsItsToken() {
    Lease first = leases.tryAcquire("again", "a", LONG).orElseThrow();
    Lease second = leases.tryAcquire("again", "a", LONG).orElseThrow();

    assertThat(second.token()).isEqualTo(first.token());
  }

  @Test
  void renewalKeepsTheTokenAndMovesTheExpiry() {
    Lease lease = leases.tryAcquire("renew", "a", LONG).orElseThrow();

    Lease renewed = leases.renew(lease).orElseThrow();

    assertThat(renewed.token()).isEqualTo(lease.token());
    assertThat(renewed.expiresAt()).isAfterOrEqualTo(lease.expiresAt());
  }

  @Test
  void afterReleaseTheNextOwnerGetsALargerToken() {
    Lease a = leases.tryAcquire("release", "a", LONG).orElseThrow();

    assertThat(leases.release(a)).isTrue();
    assertThat(leases.release(a)).as("a second release finds nothing to release").isFalse();
    Lease b = leases.tryAcquire("release", "b", LONG).orElseThrow();

    assertThat(b.token()).isGreaterThan(a.token());
    assertThat(leases.isHeld(a)).isFalse();
    assertThat(leases.renew(a)).isEmpty();
  }

  @Test
  void aStaleOwnersSaveIsRefusedAndWritesNothing() throws Exception {
    String key = "imap:carol@example.test@localhost/INBOX";
    Lease a = leases.tryAcquire(key, "owner-a", LONG).orElseThrow();
    SyncStateStore fencedA = store.fenced(a);
    fencedA.save(key, state(10));
    // Another owner takes over by hand: the row now names owner-b with the next token.
    assertThat(Postgres.execute(db, "UPDATE " + prefix + "lease SET owner = 'owner-b', token = token + 1 WHERE lease_key = '"
        + key + "'")).isEqualTo(1);
    long rowsBefore = store.rowsWritten();

    assertThatThrownBy(() -> fencedA.save(key, state(11)))
        .isInstanceOfSatisfying(LeaseLostException.class, e -> {
          assertThat(e.key()).isEqualTo(key);
          assertThat(e.owner()).isEqualTo("owner-a");
          assertThat(e.token()).isEqualTo(a.token());
        })
        .hasMessageContaining(key).hasMessageContaining("owner-a").hasMessageContaining("token " + a.token())
        .hasMessageContaining("owner-b");

    assertThat(store.rowsWritten()).isEqualTo(rowsBefore);
    assertThat(JdbcSyncStateStore.builder(db).tablePrefix(prefix).build().load(key)).contains(state(10));
    assertThat(Postgres.count(db, "SELECT version FROM " + prefix + "sync_state WHERE state_key = '" + key + "'")).isEqualTo(1);

    Lease b = new Lease(key, "owner-b", a.token() + 1, LONG, Instant.now());
    store.fenced(b).save(key, state(12));
    assertThat(store.load(key)).contains(state(12));
  }

  @Test
  void anExpiredLeaseIsTakenOverWithTheNextToken() throws Exception {
    Duration ttl = Duration.ofMillis(300);
    Lease crashed = leases.tryAcquire("expiry", "crashed", ttl).orElseThrow();
    store.fenced(crashed).save("expiry", state(1));

    // The crashed owner never renews. Ask until the database's clock says its lease expired.
    Optional<Lease> taken = Optional.empty();
    for (int i = 0; i < 200 && taken.isEmpty(); i++) {
      taken = leases.tryAcquire("expiry", "successor", ttl.multipliedBy(1000));
      if (taken.isEmpty()) {
        Thread.sleep(50);
      }
    }

    assertThat(taken).isPresent();
    assertThat(taken.get().token()).isEqualTo(crashed.token() + 1);
    assertThat(leases.renew(crashed)).isEmpty();
    assertThatThrownBy(() -> store.fenced(crashed).save("expiry", state(2))).isInstanceOf(LeaseLostException.class);
    assertThat(store.load("expiry")).contains(state(1));
    assertThat(Postgres.count(db, "SELECT count(*) FROM " + prefix + "lease WHERE lease_key = 'expiry' AND owner = 'successor'"
        + " AND expires_at > CURRENT_TIMESTAMP")).isEqualTo(1);
  }

  @Test
  void anExpiredButNotTakenLeaseCanStillBeRenewedByItsHolder() throws Exception {
    Lease lease = leases.tryAcquire("late-renewal", "slow", Duration.ofMillis(1)).orElseThrow();
    Postgres.execute(db, "UPDATE " + prefix + "lease SET expires_at = CURRENT_TIMESTAMP - INTERVAL '1' SECOND"
        + " WHERE lease_key = 'late-renewal'");

    assertThat(leases.renew(lease)).map(Lease::token).contains(lease.token());
  }

  @Test
  void badArgumentsAreRefusedWithTheValue() {
    assertThatThrownBy(() -> leases.tryAcquire(" ", "a", LONG)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lease key");
    assertThatThrownBy(() -> leases.tryAcquire("k", "a", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> leases.tryAcquire("k", "o".repeat(201), LONG)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("201 characters");
  }
}
