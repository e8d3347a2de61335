package dev.satchel.mail.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.AfterDeadLetter;
import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.Attachment;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.MailException;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.SyncStateStore;
import dev.satchel.mail.UnsupportedCapabilityException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InboxProcessorPop3Test {
  private Pop3Fixture server;
  private final List<String> handled = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() {
    server = new Pop3Fixture();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private InboxProcessor.Builder processor(int port, SyncStateStore store, AfterHandling after) {
    return InboxProcessor.builder()
        .settings(server.settings(port))
        .stateKey("test")
        .stateStore(store)
        .afterHandling(after)
        .handler(m -> handled.add(m.subject()));
  }

  private List<String> subjectsOnServer() {
    try (Mailbox mailbox = Mailbox.connect(server.settings())) {
      return mailbox.list(mailbox.inbox()).stream().map(m -> m.envelope().subject()).toList();
    }
  }

  @Test
  void leaveOnServerHandsOverOnlyNewMessages() {
    server.deliver("one");
    server.deliver("two");
    InboxProcessor p = processor(server.pop3Port(), SyncStateStore.inMemory(), AfterHandling.leave()).build();

    InboxProcessor.Report first = p.runOnce();
    assertThat(first.handled()).isEqualTo(2);
    assertThat(handled).containsExactly("one", "two");

    assertThat(p.runOnce().found()).isZero();
    assertThat(handled).containsExactly("one", "two");

    server.deliver("three");
    InboxProcessor.Report third = p.runOnce();
    assertThat(third.handled()).isEqualTo(1);
    assertThat(handled).containsExactly("one", "two", "three");
    assertThat(subjectsOnServer()).containsExactly("one", "two", "three");
  }

  @Test
  void deleteAfterDownloadRemovesOnlyHandledMessages() {
    server.deliver("good");
    server.deliver("bad");
    server.deliver("good too");
    InboxProcessor p = processor(server.pop3Port(), SyncStateStore.inMemory(), AfterHandling.delete())
        .handler(m -> {
          // Seen through a second connection while the handler runs: nothing is gone yet.
          assertThat(subjectsOnServer()).contains(m.subject());
          if (m.subject().equals("bad")) {
            throw new IllegalStateException("cannot handle");
          }
          handled.add(m.subject());
        })
        .build();
    InboxProcessor.Report report = p.runOnce();
    assertThat(report.handled()).isEqualTo(2);
    assertThat(report.failed()).isEqualTo(1);
    assertThat(handled).containsExactly("good", "good too");
    // Checked through a fresh POP3 connection and in the test server's store.
    assertThat(server.awaitStoredCount(1)).isEqualTo(1);
    assertThat(subjectsOnServer()).containsExactly("bad");
  }

  @Test
  void deleteAfterDownloadOverImplicitTls() {
    server.deliver("one");
    server.deliver("two");
    InboxProcessor p = InboxProcessor.builder()
        .settings(server.tlsSettings())
        .stateStore(SyncStateStore.inMemory())
        .afterHandling(AfterHandling.delete())
        .handler(m -> handled.add(m.subject()))
        .build();
    assertThat(p.runOnce().handled()).isEqualTo(2);
    assertThat(handled).containsExactly("one", "two");
    assertThat(server.awaitStoredCount(0)).isZero();
    server.deliver("three");
    assertThat(p.runOnce().handled()).isEqualTo(1);
    assertThat(handled).containsExactly("one", "two", "three");
  }

  @Test
  void aFailingMessageIsRetriedThenDeadLetteredWithoutBlockingTheInbox() {
    server.deliver("poison");
    server.deliver("fine");
    List<String> dead = new ArrayList<>();
    AtomicInteger attempts = new AtomicInteger();
    InboxProcessor p = processor(server.pop3Port(), SyncStateStore.inMemory(), AfterHandling.delete())
        .maxFailures(3)
        .deadLetter((m, n, e) -> dead.add(m.envelope().subject() + "/" + n + "/" + e.getMessage()))
        .handler(m -> {
          if (m.subject().equals("poison")) {
            attempts.incrementAndGet();
            throw new IllegalArgumentException("boom");
          }
          handled.add(m.subject());
        })
        .build();
    assertThat(p.runOnce().failed()).isEqualTo(1);
    assertThat(handled).containsExactly("fine");
    assertThat(p.runOnce().failed()).isEqualTo(1);
    InboxProcessor.Report third = p.runOnce();
    assertThat(third.deadLettered()).isEqualTo(1);
    assertThat(dead).containsExactly("poison/3/boom");
    InboxProcessor.Report fourth = p.runOnce();
    assertThat(fourth.found()).isZero();
    assertThat(attempts).hasValue(3);
    // Dead letters stay on the server untouched.
    assertThat(subjectsOnServer()).containsExactly("poison");
  }

  @Test
  void deleteAfterAgeKeepsRecentMailAndDeletesOldOnALaterRun() {
    server.deliver("one");
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    SyncStateStore store = SyncStateStore.inMemory();
    InboxProcessor p = processor(server.pop3Port(), store, AfterHandling.deleteAfter(Duration.ofDays(7))).clock(clock).build();
    p.runOnce();
    assertThat(subjectsOnServer()).containsExactly("one");
    clock.now = clock.now.plus(Duration.ofDays(3));
    assertThat(p.runOnce().acknowledged()).isZero();
    assertThat(subjectsOnServer()).containsExactly("one");
    clock.now = clock.now.plus(Duration.ofDays(5));
    assertThat(p.runOnce().acknowledged()).isEqualTo(1);
    assertThat(subjectsOnServer()).isEmpty();
    assertThat(handled).containsExactly("one");
  }

  @Test
  void actionsImpossibleOverPop3AreRefusedWhenBuilt() {
    assertThatThrownBy(() -> processor(server.pop3Port(), SyncStateStore.inMemory(), AfterHandling.markSeen()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("markSeen()").hasMessageContaining("POP3").hasMessageContaining("AfterHandling.leave()");
    assertThatThrownBy(() -> processor(server.pop3Port(), SyncStateStore.inMemory(), AfterHandling.moveTo("Done")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("IMAP settings");
  }

  @Test
  void aServerWithoutUidlIsRefusedAtTheFirstConnection() throws Exception {
    try (Pop3Proxy proxy = new Pop3Proxy(server.pop3Port())) {
      proxy.capa(Set.of(), Set.of("UIDL"));
      InboxProcessor p = processor(proxy.port(), SyncStateStore.inMemory(), AfterHandling.delete()).build();
      assertThatThrownBy(p::runOnce).hasMessageContaining("UNIQUE_IDS").hasMessageContaining("UIDL");
    }
  }

  /** Where the connection is cut during the first run. */
  enum Cut {
    AFTER_UIDL, MID_RETR, AFTER_HANDLER, AFTER_HANDLER_BEFORE_STATE_SAVED, BEFORE_QUIT
  }

  @ParameterizedTest
  @EnumSource(Cut.class)
  void noMessageIsLostWhenTheConnectionIsCut(Cut cut) throws Exception {
    noMessageIsLostWhenTheConnectionIsCut(cut, Duration.ZERO);
  }

  /** The same with the default batched state saves: more duplicates possible, never a loss. */
  @ParameterizedTest
  @EnumSource(Cut.class)
  void noMessageIsLostWhenTheConnectionIsCutWithBatchedSaves(Cut cut) throws Exception {
    noMessageIsLostWhenTheConnectionIsCut(cut, InboxProcessor.DEFAULT_STATE_SAVE_INTERVAL);
  }

  private void noMessageIsLostWhenTheConnectionIsCut(Cut cut, Duration saveInterval) throws Exception {
    for (AfterHandling after : List.of(AfterHandling.leave(), AfterHandling.delete())) {
      server.close();
      server = new Pop3Fixture();
      handled.clear();
      List<String> all = List.of("m1", "m2", "m3");
      all.forEach(server::deliver);
      try (Pop3Proxy proxy = new Pop3Proxy(server.pop3Port())) {
        proxy.capa(Set.of("TOP"), Set.of()); // headers by TOP, as Dovecot: RETR only when handing over
        AtomicBoolean crashOnSave = new AtomicBoolean();
        FlakyStore store = new FlakyStore(crashOnSave);
        InboxProcessor p = processor(proxy.port(), store, after)
            .stateSaveInterval(saveInterval)
            .handler(m -> {
              handled.add(m.subject());
              if (m.subject().equals("m2") && handled.size() == 2) {
                if (cut == Cut.AFTER_HANDLER) {
                  proxy.cutAll();
                } else if (cut == Cut.AFTER_HANDLER_BEFORE_STATE_SAVED) {
                  proxy.cutAll();
                  crashOnSave.set(true); // the process "dies" before the state reaches the store
                }
              }
            })
            .build();
        AtomicInteger retrs = new AtomicInteger();
        switch (cut) {
          case AFTER_UIDL -> proxy.cutBefore(afterFirst("UIDL"));
          case MID_RETR -> proxy.cutBefore(line -> line.startsWith("RETR") && retrs.incrementAndGet() == 2
              && armRetrCut(proxy));
          case BEFORE_QUIT -> proxy.cutBefore(line -> line.startsWith("DELE") || line.startsWith("QUIT") || line.startsWith("RSET"));
          default -> { }
        }
        RuntimeException firstRun = null;
        try {
          p.runOnce();
        } catch (MailException | IllegalStateException e) {
          firstRun = e;
        }
        if (cut == Cut.BEFORE_QUIT) {
          assertThat(firstRun).as("close() never throws; the cut only loses the commit").isNull();
        } else {
          assertThat(firstRun).as("first run under %s / %s", cut, after).isNotNull();
        }
        // Nothing handled is missing from the handler log, and nothing unhandled left the server.
        List<String> onServer = subjectsOnServer();
        for (String s : all) {
          if (!onServer.contains(s)) {
            assertThat(handled).as("deleted from the server: %s", s).contains(s);
          }
        }
        proxy.heal();
        crashOnSave.set(false);
        p.runOnce();
        assertThat(handled).as("%s / %s: every message handed over at least once", cut, after).containsAll(all);
        List<String> duplicates = handled.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()))
            .entrySet().stream().filter(e -> e.getValue() > 1).map(e -> e.getKey()).toList();
        if (cut == Cut.AFTER_HANDLER_BEFORE_STATE_SAVED && saveInterval.isZero()) {
          assertThat(duplicates).as("%s / %s", cut, after).containsExactly("m2");
        } else if (cut == Cut.AFTER_HANDLER_BEFORE_STATE_SAVED) {
          // Batched: every message handled since the last save is handed over again.
          assertThat(duplicates).as("%s / %s", cut, after).contains("m2").isSubsetOf("m1", "m2");
        } else {
          assertThat(duplicates).as("%s / %s", cut, after).isEmpty();
        }
        if (after instanceof AfterHandling.Delete) {
          assertThat(subjectsOnServer()).as("%s: all handled, all deleted", cut).isEmpty();
        } else {
          assertThat(subjectsOnServer()).containsExactlyElementsOf(all);
        }
        assertThat(p.runOnce().found()).isZero();
      }
    }
  }

  private static boolean armRetrCut(Pop3Proxy proxy) {
    proxy.cutRetrAfter(40);
    return false; // forward this RETR, cut its answer midway
  }

  private static Predicate<String> afterFirst(String verb) {
    AtomicBoolean seen = new AtomicBoolean();
    return line -> {
      if (seen.get()) {
        return true;
      }
      if (line.startsWith(verb)) {
        seen.set(true);
      }
      return false;
    };
  }

  @Test
  void aSecondRunOverTenThousandMessagesWithNothingNewIssuesOneUidlAndNoDownloads() throws Exception {
    int n = 10_000;
    for (int i = 0; i < n; i++) {
      server.deliver("m" + i, "x\r\n");
    }
    // The state a first run would have saved: every message handled. (Handing 10,000 messages over
    // through GreenMail takes minutes; the seeded ids are checked by the run finding nothing new.)
    java.util.Map<String, Set<String>> known = new java.util.HashMap<>();
    for (String id : server.pop3Ids()) {
      known.put(id, Set.of());
    }
    assertThat(known).hasSize(n);
    SyncStateStore store = SyncStateStore.inMemory();
    store.save("test", new SyncState("INBOX", java.util.OptionalLong.empty(), java.util.OptionalLong.empty(),
        java.util.OptionalLong.empty(), known));
    try (Pop3Proxy proxy = new Pop3Proxy(server.pop3Port())) {
      proxy.capa(Set.of("TOP"), Set.of());
      AtomicInteger count = new AtomicInteger();
      InboxProcessor p = processor(proxy.port(), store, AfterHandling.leave()).handler(m -> count.incrementAndGet()).build();
      InboxProcessor.Report second = p.runOnce();
      assertThat(second.found()).isZero();
      assertThat(count).hasValue(0);
      assertThat(proxy.count("UIDL")).isEqualTo(1);
      assertThat(proxy.count("RETR")).isZero();
      assertThat(proxy.count("TOP")).isZero();
      assertThat(proxy.count("LIST")).isZero();

      server.deliver("new one");
      proxy.resetCounts();
      assertThat(p.runOnce().handled()).isEqualTo(1);
      assertThat(proxy.count("UIDL")).isEqualTo(1);
      assertThat(proxy.count("RETR")).isEqualTo(1);
      assertThat(proxy.count("TOP")).isEqualTo(1);
    }
  }

  @Test
  void aLargeFirstRunSavesTheStateInBatches(@TempDir Path dir) {
    // 400, not 2,000: GreenMail answers each POP3 command in time proportional to the maildrop, so a
    // 2,000-message first run takes minutes here. The store's own cost is in the README.
    int n = 400;
    for (int i = 0; i < n; i++) {
      server.deliver("m" + i, "x\r\n");
    }
    CountingStore store = new CountingStore(SyncStateStore.file(dir));
    List<String> order = new ArrayList<>();
    InboxProcessor.Builder builder = processor(server.pop3Port(), store, AfterHandling.leave())
        .handler(m -> order.add(m.subject()));
    long start = System.nanoTime();
    InboxProcessor.Report first = builder.build().runOnce();
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(first.handled()).isEqualTo(n);
    assertThat(order).hasSize(n).startsWith("m0", "m1").endsWith("m" + (n - 1));
    SyncState saved = SyncStateStore.file(dir).load("test").orElseThrow();
    assertThat(saved.known()).hasSize(n).allSatisfy((id, tokens) -> assertThat(tokens).anyMatch(t -> t.startsWith("handled=")));
    System.out.printf("InboxProcessor first run over %d messages (file store, default interval): %d saves, %d ms%n",
        n, store.saves.get(), millis);
    // Not a save per message (that is Duration.ZERO); how many depends on the machine's speed.
    assertThat(store.saves.get()).isLessThan(n);

    // With an interval longer than the run: one save at the start, one at the end.
    server.deliver("late one");
    server.deliver("late two");
    store.saves.set(0);
    InboxProcessor batched = builder.stateSaveInterval(Duration.ofHours(1)).build();
    assertThat(batched.runOnce().handled()).isEqualTo(2);
    assertThat(store.saves.get()).isEqualTo(2);
    assertThat(batched.runOnce().found()).isZero();
  }

  @Test
  void aNegativeStateSaveIntervalIsRefused() {
    assertThatThrownBy(() -> InboxProcessor.builder().stateSaveInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
  }

  /** Counts saves. */
  static final class CountingStore implements SyncStateStore {
    final AtomicInteger saves = new AtomicInteger();
    private final SyncStateStore delegate;

    CountingStore(SyncStateStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<SyncState> load(String key) {
      return delegate.load(key);
    }

    @Override
    public void save(String key, SyncState state) {
      saves.incrementAndGet();
      delegate.save(key, state);
    }
  }

  @Test
  void theSupervisedLoopReconnectsAfterAFailureAndKeepsProcessing() throws Exception {
    server.deliver("one");
    try (Pop3Proxy proxy = new Pop3Proxy(server.pop3Port())) {
      CountDownLatch failed = new CountDownLatch(1);
      CountDownLatch handledTwo = new CountDownLatch(2);
      proxy.cutBefore(line -> line.startsWith("UIDL"));
      InboxProcessor p = processor(proxy.port(), SyncStateStore.inMemory(), AfterHandling.delete())
          .handler(m -> {
            handled.add(m.subject());
            handledTwo.countDown();
          })
          .build();
      try (InboxProcessor.Running running = p.start(Duration.ofHours(1), new InboxProcessor.Listener() {
        @Override
        public void onFailure(Exception cause, Duration retryIn) {
          proxy.heal();
          failed.countDown();
        }

        @Override
        public void onRun(InboxProcessor.Report report) {
          if (report.handled() == 1 && handled.size() == 1) {
            server.deliver("two");
          }
        }
      })) {
        assertThat(failed.await(30, TimeUnit.SECONDS)).isTrue();
        // The backoff retry hands over "one"; runNow() (as a push would) hands over "two".
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (handled.size() < 2 && System.nanoTime() < deadline) {
          running.runNow();
          handledTwo.await(200, TimeUnit.MILLISECONDS);
        }
        assertThat(handled).containsExactly("one", "two");
        assertThat(running.isRunning()).isTrue();
      }
    }
  }

  @Test
  void aDeadLetterCarriesTheWholeMessageAndStaysOnTheServerWhileTheOthersAreDeleted() {
    server.deliver("fine");
    server.server.deliver(server.user, OutgoingMessage.builder().from("bob@example.test").to(Pop3Fixture.USER)
        .subject("poison").text("the order").attach(Attachment.of("order.csv", "text/csv",
            "id;qty\r\n1;2\r\n".getBytes(StandardCharsets.UTF_8))).build());
    List<String> letters = new ArrayList<>();
    InboxProcessor p = processor(server.pop3Port(), SyncStateStore.inMemory(), AfterHandling.delete())
        .maxFailures(2)
        .deadLetter(letter -> {
          Message m = letter.message().orElseThrow();
          String raw;
          try (InputStream in = letter.raw().open()) {
            raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
          letters.add(m.text().orElseThrow().strip() + "|" + new String(m.attachments().get(0).bytes(),
              StandardCharsets.UTF_8) + "|" + raw.contains("Subject: poison") + "|" + letter.failures());
        })
        .handler(m -> {
          if (m.subject().equals("poison")) {
            throw new IllegalArgumentException("boom");
          }
          handled.add(m.subject());
        })
        .build();
    assertThat(p.runOnce().failed()).isEqualTo(1);
    assertThat(p.runOnce().deadLettered()).isEqualTo(1);
    assertThat(letters).containsExactly("the order|id;qty\r\n1;2\r\n|true|2");
    assertThat(p.runOnce().found()).isZero();
    assertThat(handled).containsExactly("fine");
    assertThat(server.awaitStoredCount(1)).isEqualTo(1);
    assertThat(subjectsOnServer()).containsExactly("poison");
  }

  @Test
  void aQuarantineFolderIsRefusedForPop3WhenBuiltAndAtTheFirstConnection() {
    assertThatThrownBy(() -> processor(server.pop3Port(), SyncStateStore.inMemory(), AfterHandling.delete())
            .afterDeadLetter(AfterDeadLetter.moveTo("Quarantine")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("impossible over POP3").hasMessageContaining("AfterDeadLetter.leave()");

    server.deliver("one");
    InboxProcessor viaSupplier = InboxProcessor.builder().mailboxes(() -> Mailbox.connect(server.settings()))
        .stateStore(SyncStateStore.inMemory()).afterHandling(AfterHandling.delete())
        .afterDeadLetter(AfterDeadLetter.moveTo("Quarantine", AfterHandling.IfMissing.CREATE))
        .handler(m -> handled.add(m.subject())).build();
    assertThatThrownBy(viaSupplier::runOnce).isInstanceOf(UnsupportedCapabilityException.class)
        .hasMessageContaining("AfterDeadLetter.moveTo(\"Quarantine\", IfMissing.CREATE)")
        .hasMessageContaining("POP3 has no folders");
    assertThat(handled).isEmpty();
  }

  @Test
  void aRunningProcessorRetriesAFailedMessageAfterItsBackoffNotAfterTheInterval() throws Exception {
    server.deliver("flaky");
    AtomicInteger attempts = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    InboxProcessor p = processor(server.pop3Port(), SyncStateStore.inMemory(), AfterHandling.delete())
        .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(50))
        .handler(m -> {
          if (attempts.incrementAndGet() == 1) {
            throw new IllegalStateException("the database is down");
          }
          handled.add(m.subject());
          done.countDown();
        })
        .build();
    // An hour between runs and no push over POP3: only the retry backoff brings the second attempt.
    try (InboxProcessor.Running running = p.start(Duration.ofHours(1))) {
      assertThat(done.await(30, TimeUnit.SECONDS)).as("handled on the retry, within the same long run").isTrue();
      assertThat(running.isRunning()).isTrue();
    }
    assertThat(attempts).hasValue(2);
    assertThat(handled).containsExactly("flaky");
  }

  /** An in-memory store that can "crash" (throw) instead of saving. */
  static final class FlakyStore implements SyncStateStore {
    private final SyncStateStore delegate = SyncStateStore.inMemory();
    private final AtomicBoolean crash;

    FlakyStore(AtomicBoolean crash) {
      this.crash = crash;
    }

    @Override
    public Optional<SyncState> load(String key) {
      return delegate.load(key);
    }

    @Override
    public void save(String key, SyncState state) {
      if (crash.get()) {
        throw new IllegalStateException("simulated crash before the state was saved");
      }
      delegate.save(key, state);
    }
  }

  static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static List<String> subjects(List<MessageSummary> list) {
    return list.stream().map(m -> m.envelope().subject()).toList();
  }
}
