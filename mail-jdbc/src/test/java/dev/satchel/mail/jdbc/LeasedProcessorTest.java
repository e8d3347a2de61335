package dev.satchel.mail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LeasedProcessor} on the testkit's GreenMail with the harness's PostgreSQL: every message
 * handled once under the lease, no run without it, and a run that loses its lease stops at once.
 */
class LeasedProcessorTest {
  private static final AtomicInteger USERS = new AtomicInteger();
  private static DataSource db;
  private static String prefix;
  private static JdbcLeases leases;
  private static JdbcSyncStateStore store;
  private static TestMailServer server;

  private TestUser user;
  private final List<String> handled = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() {
    if (Postgres.skipRequested()) {
      return;
    }
    db = Postgres.dataSource();
    prefix = Postgres.uniquePrefix();
    store = JdbcSyncStateStore.builder(db).tablePrefix(prefix).createSchema(true).build();
    leases = JdbcLeases.builder(db).tablePrefix(prefix).build();
    server = TestMailServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (db != null) {
      Postgres.drop(db, prefix);
    }
  }

  @BeforeEach
  void newUser() {
    Postgres.assumeNotSkipped();
    user = server.createUser("lease" + USERS.incrementAndGet() + "@example.test", "secret");
  }

  private void deliver(int count) {
    deliver(1, count);
  }

  private void deliver(int first, int last) {
    for (int i = first; i <= last; i++) {
      server.deliver(user, OutgoingMessage.builder().from("bob@example.test").to(user.address()).subject("m" + i)
          .text("body " + i).build());
    }
  }

  private LeasedProcessor leased(String owner, InboxProcessor.Builder processor) {
    return LeasedProcessor.builder(leases, store).owner(owner).ttl(Duration.ofSeconds(30)).processor(processor).build();
  }

  private InboxProcessor.Builder processor(AfterHandling after) {
    return InboxProcessor.builder().settings(server.settings(user, Protocol.IMAP)).afterHandling(after)
        .handler(m -> handled.add(m.subject()));
  }

  @Test
  void theHolderHandlesEveryMessageOnceAndReleasesTheLease() throws Exception {
    deliver(30);
    try (LeasedProcessor p = leased("one", processor(AfterHandling.markSeen()))) {
      InboxProcessor.Report first = p.runOnce().orElseThrow();
      InboxProcessor.Report second = p.runOnce().orElseThrow();

      assertThat(first.handled()).isEqualTo(30);
      assertThat(second.found()).isZero();
      assertThat(handled).hasSize(30).doesNotHaveDuplicates();
      assertThat(p.owner()).isEqualTo("one");
      assertThat(store.load(p.leaseKey()).orElseThrow().known()).hasSize(30);
      assertThat(Postgres.count(db, "SELECT count(*) FROM " + prefix + "lease WHERE lease_key = '" + p.leaseKey()
          + "' AND owner IS NULL")).as("released after each run").isEqualTo(1);
      assertThat(Postgres.count(db, "SELECT token FROM " + prefix + "lease WHERE lease_key = '" + p.leaseKey() + "'"))
          .as("a new token per run").isEqualTo(2);
    }
  }

  @Test
  void noRunWhileAnotherInstanceHoldsTheLease() {
    deliver(3);
    try (LeasedProcessor p = leased("second", processor(AfterHandling.markSeen()))) {
      Lease other = leases.tryAcquire(p.leaseKey(), "first", Duration.ofMinutes(5)).orElseThrow();

      assertThat(p.runOnce()).isEmpty();
      assertThat(handled).isEmpty();

      leases.release(other);
      assertThat(p.runOnce()).map(InboxProcessor.Report::handled).contains(3);
    }
  }

  @Test
  void aRunThatLosesItsLeaseStopsAndTheNextHolderHandlesTheRest() throws Exception {
    deliver(10);
    String[] key = new String[1];
    // Saving after every message: the only duplicate is the message in hand when the lease was lost.
    InboxProcessor.Builder builder = processor(AfterHandling.markSeen()).stateSaveInterval(Duration.ZERO).handler(m -> {
      handled.add(m.subject());
      if (handled.size() == 3) { // another instance takes the lease over while this one works on m3
        Postgres.execute(db, "UPDATE " + prefix + "lease SET owner = 'usurper', token = token + 1, expires_at = "
            + "CURRENT_TIMESTAMP WHERE lease_key = '" + key[0] + "'");
      }
    });
    try (LeasedProcessor loser = leased("loser", builder)) {
      key[0] = loser.leaseKey();

      assertThatThrownBy(loser::runOnce).isInstanceOfSatisfying(LeaseLostException.class, e -> {
        assertThat(e.owner()).isEqualTo("loser");
        assertThat(e.key()).isEqualTo(key[0]);
      }).hasMessageContaining("usurper");
      assertThat(handled).as("nothing handed over after the loss").containsExactly("m1", "m2", "m3");
    }
    handled.clear();
    try (LeasedProcessor successor = leased("successor", processor(AfterHandling.markSeen()))) {
      Optional<InboxProcessor.Report> report = successor.runOnce();

      // m3 was handled but its action and record were refused: the one duplicate that the loss costs.
      assertThat(report).isPresent();
      assertThat(handled).containsExactly("m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10");
    }
  }

  @Test
  void theLeaseIsRenewedWhileTheRunWorks() throws Exception {
    deliver(2);
    String[] key = new String[1];
    long[] seen = new long[3]; // token at start, first expiry (epoch ms), renewed expiry
    InboxProcessor.Builder builder = processor(AfterHandling.markSeen()).handler(m -> {
      handled.add(m.subject());
      if (handled.size() == 1) {
        String row = "FROM " + prefix + "lease WHERE lease_key = '" + key[0] + "'";
        seen[0] = Postgres.count(db, "SELECT token " + row);
        seen[1] = Postgres.count(db, "SELECT CAST(EXTRACT(EPOCH FROM expires_at) * 1000 AS BIGINT) " + row);
        // The renewer runs every third of the ttl: wait (bounded) until the expiry moved on.
        for (int i = 0; i < 200 && seen[2] <= seen[1]; i++) {
          Thread.sleep(50);
          seen[2] = Postgres.count(db, "SELECT CAST(EXTRACT(EPOCH FROM expires_at) * 1000 AS BIGINT) " + row);
        }
        assertThat(Postgres.count(db, "SELECT token " + row)).isEqualTo(seen[0]);
      }
    });
    try (LeasedProcessor p = LeasedProcessor.builder(leases, store).owner("renewing").ttl(Duration.ofSeconds(2))
        .processor(builder).build()) {
      key[0] = p.leaseKey();

      assertThat(p.runOnce()).map(InboxProcessor.Report::handled).contains(2);
    }
    assertThat(seen[2]).as("expiry after renewal").isGreaterThan(seen[1]);
  }

  @Test
  void overPop3EveryMessageIsHandledOnceAndDeleted() {
    deliver(12);
    InboxProcessor.Builder pop3 = InboxProcessor.builder().settings(server.settings(user, Protocol.POP3))
        .afterHandling(AfterHandling.delete()).handler(m -> handled.add(m.subject()));
    try (LeasedProcessor p = leased("pop3", pop3)) {
      assertThat(p.runOnce()).map(InboxProcessor.Report::handled).contains(12);
      assertThat(p.runOnce()).map(InboxProcessor.Report::found).contains(0);
      p.close();
      assertThatThrownBy(p::runOnce).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
    assertThat(handled).hasSize(12).doesNotHaveDuplicates();
    assertThat(server.received(user.address())).isEmpty();
  }

  @Test
  void twoInstancesRunningAtOnceHandEachMessageOverOnce() throws Exception {
    deliver(40);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try (LeasedProcessor a = leased("instance-a", processor(AfterHandling.markSeen()));
        LeasedProcessor b = leased("instance-b", processor(AfterHandling.markSeen()))) {
      List<java.util.concurrent.Future<Integer>> runs = new ArrayList<>();
      for (LeasedProcessor p : List.of(a, b)) {
        runs.add(pool.submit(() -> {
          int held = 0;
          for (int i = 0; i < 20 && handled.size() < 40; i++) {
            held += p.runOnce().isPresent() ? 1 : 0;
          }
          return held;
        }));
      }
      int heldRuns = 0;
      for (java.util.concurrent.Future<Integer> run : runs) {
        heldRuns += run.get(120, java.util.concurrent.TimeUnit.SECONDS);
      }

      assertThat(heldRuns).isPositive();
      assertThat(handled).hasSize(40).doesNotHaveDuplicates();
    } finally {
      pool.shutdownNow();
    }
  }

  /** Waits (bounded) until the handler saw {@code count} messages. */
  private void awaitHandled(int count) throws InterruptedException {
    for (int i = 0; i < 400 && handled.size() < count; i++) {
      Thread.sleep(25);
    }
  }

  @Test
  void startedItRunsAtAnIntervalAndAtOnceWhenAsked() throws Exception {
    deliver(5);
    List<InboxProcessor.Report> reports = Collections.synchronizedList(new ArrayList<>());
    try (LeasedProcessor p = leased("looping", processor(AfterHandling.markSeen()))) {
      InboxProcessor.Running loop = p.start(Duration.ofSeconds(1), new InboxProcessor.Listener() {
        @Override
        public void onRun(InboxProcessor.Report report) {
          reports.add(report);
        }
      });
      awaitHandled(5);
      assertThat(handled).hasSize(5);
      assertThatThrownBy(() -> p.start(Duration.ofSeconds(1), new InboxProcessor.Listener() {}))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("started already");

      deliver(6, 8);
      loop.runNow();
      awaitHandled(8);
      loop.close();

      assertThat(loop.isRunning()).isFalse();
      assertThat(handled).hasSize(8).doesNotHaveDuplicates();
      assertThat(reports).isNotEmpty();
      assertThat(p.runOnce()).as("runs by hand still work after the loop stopped").map(InboxProcessor.Report::found)
          .contains(0);
    }
    try (LeasedProcessor p = leased("x", processor(AfterHandling.markSeen()))) {
      assertThatThrownBy(() -> p.start(Duration.ofMillis(10), new InboxProcessor.Listener() {}))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0.01S");
    }
  }
}
