package dev.satchel.mail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.SyncState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import javax.sql.DataSource;

class JdbcSyncStateStoreTest {
  private static DataSource db;
  private static String prefix;
  private static JdbcSyncStateStore store;

  @BeforeAll
  static void schema() {
    if (Postgres.skipRequested()) {
      return;
    }
    db = Postgres.dataSource();
    prefix = Postgres.uniquePrefix();
    store = JdbcSyncStateStore.builder(db).tablePrefix(prefix).createSchema(true).build();
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

  /** A fresh store on the same tables: nothing in memory, so loads and saves see only the database. */
  private static JdbcSyncStateStore otherInstance() {
    return JdbcSyncStateStore.builder(db).tablePrefix(prefix).build();
  }

  private static SyncState imapState(int messages) {
    Map<String, Set<String>> known = new TreeMap<>();
    for (int uid = 1; uid <= messages; uid++) {
      known.put("imap:1700000000/" + uid, uid % 3 == 0 ? Set.of("handled=1733356800", "f:\\Seen", "f:$Label1") : Set.of("handled=1733356800"));
    }
    return new SyncState("INBOX", OptionalLong.of(1_700_000_000L), OptionalLong.of(messages + 1L), OptionalLong.of(98_765L), known);
  }

  private static SyncState with(SyncState s, Map<String, Set<String>> known) {
    return new SyncState(s.folder(), s.uidValidity(), s.uidNext(), s.highestModSeq(), known);
  }

  @Test
  void roundTripsAnImapState() {
    SyncState state = imapState(25);
    store.save("imap:alice@example.test@localhost/INBOX", state);

    assertThat(otherInstance().load("imap:alice@example.test@localhost/INBOX")).contains(state);
  }

  @Test
  void roundTripsPop3StringIdsAndAnOddFolderName() {
    Map<String, Set<String>> known = new TreeMap<>();
    known.put("pop3:AAAA-0001", Set.of("handled=1"));
    known.put("pop3:x y z!#~", Set.of("failures=2"));
    known.put("pop3:" + "9".repeat(70), Set.of("dead=1733356800"));
    known.put("pop3:ünïcödé-идентификатор", Set.of());
    SyncState state = new SyncState("Posteingang/Ärger 2024", OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), known);
    store.save("pop3:bob@example.test@localhost/INBOX", state);

    SyncState loaded = otherInstance().load("pop3:bob@example.test@localhost/INBOX").orElseThrow();
    assertThat(loaded).isEqualTo(state);
    assertThat(loaded.uidValidity()).isEmpty();
    assertThat(loaded.known()).containsOnlyKeys(known.keySet());
  }

  @Test
  void roundTripsAnEmptyState() {
    store.save("empty", SyncState.initial("INBOX"));

    assertThat(otherInstance().load("empty")).contains(SyncState.initial("INBOX"));
  }

  @Test
  void nothingSavedLoadsEmpty() {
    assertThat(store.load("never-saved")).isEmpty();
  }

  @Test
  void roundTripsALargeState() {
    SyncState state = imapState(20_000);
    store.save("large", state);

    assertThat(otherInstance().load("large")).contains(state);
  }

  @Test
  void aSaveWritesOnlyWhatChanged() throws Exception {
    String key = "diff";
    SyncState first = imapState(1_000);
    long before = store.rowsWritten();
    store.save(key, first);
    assertThat(store.rowsWritten() - before).as("first save: header + every message").isEqualTo(1_001);

    Map<String, Set<String>> known = new TreeMap<>(first.known());
    known.put("imap:1700000000/1001", Set.of("handled=1733356900"));
    SyncState added = with(first, known);
    before = store.rowsWritten();
    store.save(key, added);
    assertThat(store.rowsWritten() - before).as("one message added: header + its row").isEqualTo(2);

    known.put("imap:1700000000/5", Set.of("handled=1733356800", "f:\\Seen"));
    known.remove("imap:1700000000/7");
    SyncState changed = with(first, known);
    before = store.rowsWritten();
    store.save(key, changed);
    assertThat(store.rowsWritten() - before).as("one changed, one removed: header + 2 rows").isEqualTo(3);

    before = store.rowsWritten();
    store.save(key, changed);
    assertThat(store.rowsWritten() - before).as("nothing changed: the header only").isEqualTo(1);

    assertThat(otherInstance().load(key)).contains(changed);
    assertThat(Postgres.count(db, "SELECT count(*) FROM " + prefix + "sync_message WHERE state_key = 'diff'")).isEqualTo(1_000);
  }

  @Test
  void aSaveAfterAnotherInstanceSavedRewritesTheKeyWhole() {
    String key = "two-writers";
    JdbcSyncStateStore a = otherInstance();
    JdbcSyncStateStore b = otherInstance();
    a.save(key, imapState(100));
    b.save(key, imapState(50));
    SyncState last = imapState(60);

    long before = a.rowsWritten();
    a.save(key, last);

    assertThat(a.rowsWritten() - before).as("header + 50 deleted + 60 inserted").isEqualTo(111);
    assertThat(otherInstance().load(key)).contains(last);
  }

  @Test
  void afterALoadTheNextSaveIsADifference() {
    String key = "load-then-save";
    store.save(key, imapState(500));
    JdbcSyncStateStore other = otherInstance();
    SyncState loaded = other.load(key).orElseThrow();
    Map<String, Set<String>> known = new TreeMap<>(loaded.known());
    known.put("imap:1700000000/501", Set.of("handled=2"));

    long before = other.rowsWritten();
    other.save(key, with(loaded, known));

    assertThat(other.rowsWritten() - before).isEqualTo(2);
  }

  @Test
  void aKeyDroppedFromTheCacheIsRewrittenWholeThenDiffedAgainAfterALoad() {
    JdbcSyncStateStore small = JdbcSyncStateStore.builder(db).tablePrefix(prefix).cachedStates(1).build();
    small.save("cache-a", imapState(20));
    small.save("cache-b", imapState(5)); // drops cache-a from memory

    long before = small.rowsWritten();
    small.save("cache-a", imapState(21));
    assertThat(small.rowsWritten() - before).as("header + 20 deleted + 21 inserted").isEqualTo(42);

    small.save("cache-b", imapState(6)); // drops cache-a again
    small.load("cache-a");
    before = small.rowsWritten();
    small.save("cache-a", imapState(22));
    assertThat(small.rowsWritten() - before).as("after a load: header + the new message").isEqualTo(2);
    assertThat(otherInstance().load("cache-a")).contains(imapState(22));
    assertThatThrownBy(() -> JdbcSyncStateStore.builder(db).cachedStates(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 0");
  }

  @Test
  void concurrentSavesOfDifferentKeysAllLand() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<SyncState>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        String key = "concurrent-" + t;
        results.add(pool.submit(() -> {
          SyncState state = SyncState.initial("INBOX");
          for (int i = 1; i <= 40; i++) {
            Map<String, Set<String>> known = new TreeMap<>(state.known());
            known.put("imap:1/" + i, Set.of("handled=" + i));
            state = with(state, known);
            store.save(key, state);
          }
          return state;
        }));
      }
      for (int t = 0; t < 8; t++) {
        SyncState expected = results.get(t).get(60, TimeUnit.SECONDS);
        assertThat(otherInstance().load("concurrent-" + t)).contains(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void creatingTheSchemaTwiceIsHarmless() throws Exception {
    store.save("schema-twice", imapState(3));

    JdbcSyncStateStore again = JdbcSyncStateStore.builder(db).tablePrefix(prefix).createSchema(true).build();
    JdbcLeases.builder(db).tablePrefix(prefix).createSchema(true).build();

    assertThat(again.load("schema-twice")).contains(imapState(3));
  }

  @Test
  void aMalformedPrefixIsRefusedWithTheValue() {
    assertThatThrownBy(() -> JdbcSyncStateStore.builder(db).tablePrefix("x; DROP TABLE y"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"x; DROP TABLE y\"");
    assertThatThrownBy(() -> store.save(" ", imapState(1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("state key");
  }
}
