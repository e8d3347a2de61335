package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.AfterDeadLetter;
import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.Attachment;
import dev.satchel.mail.Folder;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.SyncStateStore;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link InboxProcessor} over IMAP, on the testkit's server: each after-handling action, applied
 * only after the handler returned (checked through a second connection from inside the handler),
 * every message handed over once, failures retried then dead-lettered (whole, and into a quarantine
 * folder), a changed UIDVALIDITY, runs started by push, and a state kept per account and folder
 * whatever the port and security.
 */
class InboxProcessorImapTest {
  static TestMailServer server;
  static final AtomicInteger USERS = new AtomicInteger();
  TestUser user;
  final List<String> handled = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() {
    server = TestMailServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void newUser() {
    user = server.createUser("p" + USERS.incrementAndGet() + "-" + System.nanoTime() + "@example.test", "secret");
  }

  MailSettings settings() {
    return server.settings(user, Protocol.IMAP);
  }

  void deliver(String subject) {
    server.deliver(user, OutgoingMessage.builder().from("bob@example.test").to(user.address()).subject(subject)
        .text("body of " + subject).build());
  }

  InboxProcessor.Builder processor(AfterHandling after) {
    return InboxProcessor.builder().settings(settings()).stateStore(SyncStateStore.inMemory()).afterHandling(after)
        .handler(m -> handled.add(m.subject()));
  }

  /** The messages of a folder as a second, independent connection sees them. */
  List<MessageSummary> onServer(String folder) {
    try (Mailbox m = Mailbox.connect(settings())) {
      Folder f = folder.equals("INBOX") ? m.inbox() : m.folder(folder).orElseThrow();
      return m.list(f);
    }
  }

  List<String> subjects(String folder) {
    return onServer(folder).stream().map(s -> s.envelope().subject()).toList();
  }

  MessageSummary onServer(String folder, String subject) {
    return onServer(folder).stream().filter(s -> s.envelope().subject().equals(subject)).findFirst().orElseThrow();
  }

  @Test
  void markSeenSetsSeenOnlyAfterTheHandlerReturnedAndHandsEachMessageOverOnce() throws Exception {
    deliver("one");
    deliver("two");
    List<Boolean> seenWhileHandled = new CopyOnWriteArrayList<>();
    try (ImapProxy proxy = new ImapProxy(server.port(Protocol.IMAP, Security.NONE), Set.of())) {
      InboxProcessor p = InboxProcessor.builder()
          .settings(MailSettings.builder().server(Protocol.IMAP, "127.0.0.1", proxy.port(), Security.NONE)
              .credentials(user.credentials()).build())
          .stateStore(SyncStateStore.inMemory())
          .afterHandling(AfterHandling.markSeen())
          .handler(m -> {
            seenWhileHandled.add(onServer("INBOX", m.subject()).isSeen());
            handled.add(m.subject());
          })
          .build();
      InboxProcessor.Report first = p.runOnce();
      assertThat(first.handled()).isEqualTo(2);
      assertThat(first.acknowledged()).isEqualTo(2);
      assertThat(seenWhileHandled).containsExactly(false, false);
      assertThat(onServer("INBOX")).allSatisfy(s -> assertThat(s.isSeen()).isTrue());

      // Nothing new: one flag listing, and no summaries fetched for the messages the processor marked.
      proxy.resetCounts();
      assertThat(p.runOnce().found()).isZero();
      assertThat(proxy.count("UID FETCH")).isEqualTo(1);

      deliver("three");
      assertThat(p.runOnce().handled()).isEqualTo(1);
      assertThat(handled).containsExactly("one", "two", "three");
      assertThat(seenWhileHandled).containsExactly(false, false, false);
    }
  }

  @Test
  void moveToAFolderMovesOnlyAfterTheHandlerReturned() {
    deliver("one");
    deliver("two");
    try (Mailbox m = Mailbox.connect(settings())) {
      m.createFolder("Done");
    }
    List<List<String>> inboxWhileHandled = new CopyOnWriteArrayList<>();
    InboxProcessor p = processor(AfterHandling.moveTo("Done"))
        .handler(m -> {
          inboxWhileHandled.add(subjects("INBOX"));
          handled.add(m.subject());
        })
        .build();
    InboxProcessor.Report report = p.runOnce();
    assertThat(report.handled()).isEqualTo(2);
    assertThat(report.acknowledged()).isEqualTo(2);
    assertThat(inboxWhileHandled).containsExactly(List.of("one", "two"), List.of("two"));
    assertThat(subjects("INBOX")).isEmpty();
    assertThat(subjects("Done")).containsExactly("one", "two");
    assertThat(p.runOnce().found()).isZero();
    assertThat(handled).containsExactly("one", "two");
  }

  @Test
  void deleteRemovesOnlyHandledMessagesAfterTheirHandlerReturned() {
    deliver("good");
    deliver("bad");
    deliver("good too");
    InboxProcessor p = processor(AfterHandling.delete())
        .handler(m -> {
          assertThat(subjects("INBOX")).contains(m.subject());
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
    assertThat(subjects("INBOX")).containsExactly("bad");
  }

  @Test
  void leaveTouchesNothingAndASecondRunHandsOverOnlyNewMessages() {
    deliver("one");
    deliver("two");
    InboxProcessor p = processor(AfterHandling.leave()).build();
    assertThat(p.runOnce().handled()).isEqualTo(2);
    assertThat(p.runOnce().found()).isZero();
    deliver("three");
    assertThat(p.runOnce().handled()).isEqualTo(1);
    assertThat(handled).containsExactly("one", "two", "three");
    assertThat(onServer("INBOX")).extracting(s -> s.envelope().subject()).containsExactly("one", "two", "three");
    assertThat(onServer("INBOX")).allSatisfy(s -> assertThat(s.isSeen()).isFalse());
  }

  @Test
  void aFailingMessageIsRetriedThenDeadLetteredAndLeftUntouched() {
    deliver("poison");
    deliver("fine");
    try (Mailbox m = Mailbox.connect(settings())) {
      m.createFolder("Done");
    }
    List<String> dead = new CopyOnWriteArrayList<>();
    AtomicInteger attempts = new AtomicInteger();
    InboxProcessor p = processor(AfterHandling.moveTo("Done"))
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
    assertThat(p.runOnce().deadLettered()).isEqualTo(1);
    assertThat(dead).containsExactly("poison/3/boom");
    assertThat(p.runOnce().found()).isZero();
    assertThat(attempts).hasValue(3);
    assertThat(subjects("INBOX")).containsExactly("poison");
    assertThat(onServer("INBOX", "poison").isSeen()).isFalse();
    assertThat(subjects("Done")).containsExactly("fine");
  }

  @Test
  void aChangedUidValidityHandsEveryPresentMessageOverAgainAndLosesNone() {
    try (Mailbox m = Mailbox.connect(settings())) {
      Folder jobs = m.createFolder("Jobs");
      append(m, jobs, "old");
    }
    SyncStateStore store = SyncStateStore.inMemory();
    InboxProcessor p = processor(AfterHandling.leave()).folder("Jobs").stateStore(store).stateKey("jobs").build();
    assertThat(p.runOnce().handled()).isEqualTo(1);
    long oldValidity = store.load("jobs").orElseThrow().uidValidity().orElseThrow();

    // The folder is recreated under the same name, with a new UIDVALIDITY (GreenMail derives it from
    // the clock in seconds: recreate until it differs, with a deadline).
    try (Mailbox m = Mailbox.connect(settings())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      Folder jobs = m.folder("Jobs").orElseThrow();
      do {
        m.deleteFolder(jobs);
        jobs = m.createFolder("Jobs");
      } while (m.status(jobs).uidValidity().orElseThrow() == oldValidity && System.nanoTime() < deadline);
      append(m, jobs, "old");
      append(m, jobs, "new");
    }
    InboxProcessor.Report report = p.runOnce();
    // Old UIDs are void: every message present counts as new, so "old" is handed over a second time
    // (documented: duplicates after a UIDVALIDITY change), and nothing is lost.
    assertThat(report.found()).isEqualTo(2);
    assertThat(handled).containsExactly("old", "old", "new");
    SyncState saved = store.load("jobs").orElseThrow();
    assertThat(saved.uidValidity().orElseThrow()).isNotEqualTo(oldValidity);
    assertThat(saved.known()).hasSize(2);
    assertThat(p.runOnce().found()).isZero();
  }

  @Test
  void pushStartsARunWhenMailArrives() {
    deliver("first");
    List<InboxProcessor.Report> runs = new CopyOnWriteArrayList<>();
    InboxProcessor p = processor(AfterHandling.markSeen()).build();
    // An interval of an hour: only push can start the second run within the test.
    try (InboxProcessor.Running running = p.start(Duration.ofHours(1), new InboxProcessor.Listener() {
      @Override
      public void onRun(InboxProcessor.Report report) {
        runs.add(report);
      }
    })) {
      await(() -> handled.contains("first"), "the first run handles the first message");
      deliver("pushed");
      await(() -> handled.contains("pushed"), "a pushed delivery starts a run");
      assertThat(running.isRunning()).isTrue();
    }
    assertThat(handled).containsExactly("first", "pushed");
    assertThat(subjects("INBOX")).containsExactly("first", "pushed");
  }

  /** A message with a small CSV attachment. */
  void deliverWithAttachment(String subject) {
    server.deliver(user, OutgoingMessage.builder().from("bob@example.test").to(user.address()).subject(subject)
        .text("body of " + subject).attach(Attachment.of(subject + ".csv", "text/csv",
            ("rows of " + subject).getBytes(StandardCharsets.UTF_8))).build());
  }

  /** A processor whose handler refuses the message with the subject "poison". */
  InboxProcessor.Builder refusingPoison(MailSettings settings, SyncStateStore store) {
    return InboxProcessor.builder().settings(settings).stateStore(store).afterHandling(AfterHandling.markSeen())
        .handler(m -> {
          if (m.subject().equals("poison")) {
            throw new IllegalArgumentException("cannot import " + m.subject());
          }
          handled.add(m.subject());
        });
  }

  @Test
  void aDeadLetterCarriesTheWholeMessageAndMovesToTheQuarantineFolder() {
    deliverWithAttachment("fine");
    deliverWithAttachment("poison");
    List<String> letters = new ArrayList<>();
    InboxProcessor p = refusingPoison(settings(), SyncStateStore.inMemory())
        .maxFailures(2)
        .afterDeadLetter(AfterDeadLetter.moveTo("Quarantine", AfterHandling.IfMissing.CREATE))
        .deadLetter(letter -> {
          Message m = letter.message().orElseThrow();
          try (InputStream raw = letter.raw().open()) {
            letters.add(m.text().orElseThrow().strip() + "|" + new String(m.attachments().get(0).bytes(),
                StandardCharsets.UTF_8) + "|" + new String(raw.readAllBytes(), StandardCharsets.UTF_8).contains(
                "Subject: poison") + "|" + letter.failures() + "|" + letter.lastFailure().getMessage());
          }
        })
        .build();

    assertThat(p.runOnce().failed()).isEqualTo(1);
    assertThat(subjects("Quarantine")).as("created at the start of the run").isEmpty();
    assertThat(p.runOnce().deadLettered()).isEqualTo(1);
    assertThat(letters).containsExactly("body of poison|rows of poison|true|2|cannot import poison");
    assertThat(subjects("Quarantine")).containsExactly("poison");
    assertThat(subjects("INBOX")).containsExactly("fine");

    deliverWithAttachment("later");
    assertThat(p.runOnce().found()).isEqualTo(1);
    assertThat(handled).containsExactly("fine", "later");
    assertThat(letters).hasSize(1);
    assertThat(subjects("Quarantine")).containsExactly("poison");
  }

  @Test
  void switchingThePortAndSecurityHandsNothingOverAgain(@TempDir Path dir) {
    deliver("one");
    deliver("two");
    SyncStateStore store = SyncStateStore.file(dir);
    InboxProcessor plain = refusingPoison(server.settings(user, Protocol.IMAP, Security.NONE), store).build();
    assertThat(plain.runOnce().handled()).isEqualTo(2);

    InboxProcessor tls = refusingPoison(server.settings(user, Protocol.IMAP, Security.TLS), store).build();
    assertThat(tls.stateKey()).isEqualTo(plain.stateKey()).doesNotContain(":" + server.port(Protocol.IMAP, Security.TLS));
    assertThat(tls.runOnce().found()).isZero();
    deliver("three");
    assertThat(tls.runOnce().handled()).isEqualTo(1);
    assertThat(handled).containsExactly("one", "two", "three");
  }

  @Test
  void aStateSavedByAnEarlierVersionFor143StartTlsIsFoundAfterTheSwitchTo993Tls(@TempDir Path dir) {
    deliver("one");
    deliver("two");
    SyncStateStore store = SyncStateStore.file(dir);
    // An earlier version, for the account on port 143 with STARTTLS, kept its state under a key with the
    // port. The test server offers no STARTTLS, so that state is made over its plaintext port.
    String oldKey = "imap:" + user.login() + "@" + TestMailServer.HOST + ":143/INBOX";
    InboxProcessor earlier = refusingPoison(server.settings(user, Protocol.IMAP, Security.NONE), store).stateKey(oldKey)
        .build();
    assertThat(earlier.runOnce().handled()).isEqualTo(2);

    // Upgraded, and moved to implicit TLS at the same time.
    InboxProcessor upgraded = refusingPoison(server.settings(user, Protocol.IMAP, Security.TLS), store).build();
    assertThat(upgraded.runOnce().found()).as("nothing handed over again").isZero();
    assertThat(store.load(upgraded.stateKey())).as("carried over to the new key").isPresent();
    deliver("three");
    assertThat(upgraded.runOnce().handled()).isEqualTo(1);
    assertThat(handled).containsExactly("one", "two", "three");
  }

  static void append(Mailbox m, Folder folder, String subject) {
    m.append(folder, OutgoingMessage.builder().from("bob@example.test").to("carol@example.test").subject(subject)
        .text("body of " + subject).build(), Set.of());
  }

  static void await(BooleanSupplier condition, String what) {
    Await.until(condition, what);
  }


  @Test
  void aGuardThatRefusesStopsTheRunBeforeTheNextStep() {
    for (int i = 1; i <= 5; i++) {
      deliver("g" + i);
    }
    List<InboxProcessor.Guard.Step> steps = new CopyOnWriteArrayList<>();
    InboxProcessor p = processor(AfterHandling.markSeen()).stateSaveInterval(Duration.ZERO).guard(step -> {
      steps.add(step);
      if (handled.size() == 2 && step == InboxProcessor.Guard.Step.SERVER_ACTION) {
        throw new IllegalStateException("lease lost (test)");
      }
    }).build();

    org.assertj.core.api.Assertions.assertThatThrownBy(p::runOnce).hasMessage("lease lost (test)");

    // g1 handled and marked seen; g2 handled, its action refused; g3..g5 never handed over.
    assertThat(handled).containsExactly("g1", "g2");
    assertThat(steps).containsExactly(InboxProcessor.Guard.Step.HAND_OVER, InboxProcessor.Guard.Step.SERVER_ACTION,
        InboxProcessor.Guard.Step.HAND_OVER, InboxProcessor.Guard.Step.SERVER_ACTION);
    assertThat(onServer("INBOX")).filteredOn(m -> m.flags().contains(dev.satchel.mail.Flag.SEEN))
        .extracting(m -> m.envelope().subject()).containsExactly("g1");
  }
}
