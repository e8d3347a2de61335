package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Changes;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Quota;
import dev.satchel.mail.Security;
import dev.satchel.mail.SpecialFolder;
import dev.satchel.mail.SpecialUse;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.TlsOptions;
import dev.satchel.mail.Uid;
import dev.satchel.mail.Watch;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.SyncStateStore;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

/**
 * The same behaviour against the Dovecot 2.3 harness ({@code interop/harness}), which offers what
 * GreenMail lacks: CONDSTORE, QRESYNC, SPECIAL-USE, ID, native MOVE. These tests run in every build
 * (CI starts the harness first; run as root, the test starts it itself) and fail with instructions when
 * the harness is not running; set the
 * environment variable {@code SATCHEL_INTEROP=skip} to skip them. Each test works in a folder of its
 * own in carol's account and deletes it afterwards, so the harness needs no reset.
 */
@DisabledIfEnvironmentVariable(named = "SATCHEL_INTEROP", matches = "skip",
    disabledReason = "SATCHEL_INTEROP=skip: the tests against the Dovecot harness are skipped")
class ImapDovecotTest {
  static final String USER = "carol@example.test";
  static final String PASSWORD = "carol-pw";
  static Properties env;
  Mailbox mailbox;
  Folder folder;

  /**
   * Reads the harness's harness.env and checks that its IMAP port answers, or fails saying how to start
   * it. When the harness is not running and this build runs as root, it is started here (and stopped
   * when this test JVM exits), so that {@code ./mvnw -B verify} works on a fresh Debian machine.
   */
  @BeforeAll
  static void harness() {
    Path dir = Path.of(System.getenv().getOrDefault("MAILHARNESS_DIR", "/tmp/mailharness"));
    Path file = dir.resolve("harness.env");
    startHarnessIfPossible(dir);
    String howTo = " Start it with interop/harness/start.sh (as root; it installs Dovecot and Postfix from Debian"
        + " packages and listens on 127.0.0.1 only), or set the environment variable SATCHEL_INTEROP=skip to skip"
        + " the tests against a real IMAP server.";
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      fail("The Dovecot test harness is not set up: cannot read " + file + " (" + e + ")." + howTo);
    }
    int port = Integer.parseInt(p.getProperty("MAILHARNESS_IMAP_PORT", "11143"));
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 3000);
    } catch (IOException e) {
      fail("The Dovecot test harness is not running: nothing answers at 127.0.0.1:" + port + " (" + e.getMessage()
          + ")." + howTo);
    }
    env = p;
  }

  private static boolean harnessStarted;

  /** Runs interop/harness/start.sh when nothing answers on the IMAP port and this process is root. */
  private static synchronized void startHarnessIfPossible(Path dir) {
    if (harnessStarted || answers(11143)) {
      return;
    }
    Path scripts = Path.of("..", "interop", "harness").toAbsolutePath().normalize();
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!root || !Files.isExecutable(scripts.resolve("start.sh"))) {
      return; // the checks below fail with instructions
    }
    try {
      Process p = new ProcessBuilder(scripts.resolve("start.sh").toString()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(
              Path.of(System.getProperty("java.io.tmpdir"), "satchel-harness-start.log").toFile()))
          .start();
      if (!p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return;
      }
      if (p.exitValue() == 0) {
        harnessStarted = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            new ProcessBuilder(scripts.resolve("stop.sh").toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
          } catch (IOException | InterruptedException e) {
            // best effort at JVM exit
          }
        }));
      }
    } catch (IOException e) {
      // the checks below fail with instructions
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean answers(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @BeforeEach
  void connect() {
    mailbox = Mailbox.connect(settings(Security.NONE));
    folder = mailbox.createFolder("satchel-it-" + System.nanoTime());
  }

  @AfterEach
  void cleanUp() {
    mailbox.deleteFolder(folder);
    mailbox.close();
  }

  static MailSettings settings(Security security) {
    int port = Integer.parseInt(env.getProperty(security == Security.TLS ? "MAILHARNESS_IMAPS_PORT" : "MAILHARNESS_IMAP_PORT"));
    return MailSettings.builder().server(Protocol.IMAP, "127.0.0.1", port, security).password(USER, PASSWORD)
        .tls(TlsOptions.trustingPem(Path.of(env.getProperty("MAILHARNESS_CA_PEM")))).build();
  }

  Uid append(String subject) {
    return mailbox.append(folder, OutgoingMessage.builder().from("bob@example.test").to(USER).subject(subject)
        .text("hello").build(), Set.of()).orElseThrow();
  }

  @Test
  void capabilitiesFollowDovecotsList() {
    assertThat(mailbox.capabilities()).contains(Capability.MOVE, Capability.PUSH, Capability.QUOTA,
        Capability.CHANGES_SINCE, Capability.SPECIAL_USE, Capability.KEYWORDS);
  }

  @Test
  void connectsOverImplicitTlsAndStarttls() {
    for (Security s : List.of(Security.TLS, Security.STARTTLS)) {
      try (Mailbox m = Mailbox.connect(settings(s))) {
        assertThat(m.status(m.inbox()).uidValidity()).isPresent();
      }
    }
  }

  @Test
  void specialFoldersComeFromTheServer() {
    assertThat(mailbox.specialFolders()).extracting(SpecialFolder::use)
        .contains(SpecialUse.SENT, SpecialUse.DRAFTS, SpecialUse.TRASH, SpecialUse.JUNK, SpecialUse.ARCHIVE);
    assertThat(mailbox.specialFolders()).allSatisfy(s -> assertThat(s.source()).isEqualTo(SpecialFolder.Source.SERVER));
  }

  @Test
  void quotaHasAStorageLimit() {
    List<Quota> q = mailbox.quota();
    assertThat(q).flatExtracting(Quota::resources).anySatisfy(r -> {
      assertThat(r.name()).isEqualTo("STORAGE");
      assertThat(r.limit()).isPositive();
    });
  }

  @Test
  void changesSinceUsesCondstore() {
    Uid a = append("a");
    Uid b = append("b");
    Changes first = mailbox.changesSince(folder, SyncState.initial(folder.fullName()));
    assertThat(first.added()).hasSize(2);
    assertThat(first.state().highestModSeq()).isPresent();
    try (Mailbox other = Mailbox.connect(settings(Security.NONE))) {
      other.addFlags(folder, List.of(a), Set.of(Flag.SEEN));
      other.delete(folder, List.of(b));
    }
    Uid c = append("c");
    Changes next = mailbox.changesSince(folder, first.state());
    assertThat(next.changed()).extracting(MessageSummary::uid).containsExactly(a);
    assertThat(next.removed()).containsExactly(b);
    assertThat(next.added()).extracting(MessageSummary::uid).containsExactly(c);
    assertThat(mailbox.changesSince(folder, next.state()).isEmpty()).isTrue();
  }

  @Test
  void nativeMoveReportsTheNewUids() {
    Uid a = append("move me");
    Folder target = mailbox.createFolder(folder.fullName() + "/target");
    List<Uid> moved = mailbox.move(folder, List.of(a), target);
    assertThat(mailbox.list(target)).extracting(MessageSummary::uid).containsExactlyElementsOf(moved);
    assertThat(mailbox.list(folder)).isEmpty();
    mailbox.deleteFolder(target);
  }

  @Test
  void fetchLeavesSeenUntouched() {
    Uid a = append("peek");
    assertThat(mailbox.fetch(folder, a).text()).isPresent();
    assertThat(mailbox.list(folder).get(0).isSeen()).isFalse();
  }

  @Test
  void watchReportsAnAppendFromAnotherConnection() {
    ImapWatchTest.Recorder rec = new ImapWatchTest.Recorder();
    try (Mailbox m = Mailbox.connect(settings(Security.NONE),
            MailboxOptions.builder().reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(400)).build());
        Watch w = m.watch(folder, rec)) {
      append("pushed");
      ImapWatchTest.await(() -> rec.hasSubject("pushed"), "the append is pushed");
    }
  }
  static int imapPort() {
    return Integer.parseInt(env.getProperty("MAILHARNESS_IMAP_PORT"));
  }

  static MailSettings viaProxy(ImapProxy proxy) {
    return MailSettings.builder().server(Protocol.IMAP, "127.0.0.1", proxy.port(), Security.NONE)
        .password(USER, PASSWORD).build();
  }

  @ParameterizedTest(name = "QRESYNC offered: {0}")
  @ValueSource(booleans = {true, false})
  void changesSinceLearnsRemovalsFromVanishedWithQresyncAndBySearchWithout(boolean qresync) throws Exception {
    Uid a = append("a");
    Uid b = append("b");
    Uid c = append("c");
    try (ImapProxy proxy = new ImapProxy(imapPort(), qresync ? Set.of() : Set.of("QRESYNC"));
        Mailbox m = Mailbox.connect(viaProxy(proxy))) {
      Changes first = m.changesSince(folder, SyncState.initial(folder.fullName()));
      assertThat(first.state().highestModSeq()).isPresent();
      // ENABLE QRESYNC goes once, on the Mailbox's one connection; without QRESYNC, CONDSTORE is enabled
      assertThat(proxy.commands()).as("commands %s", proxy.commands()).filteredOn(l -> l.startsWith("ENABLE"))
          .containsExactly(qresync ? "ENABLE QRESYNC" : "ENABLE CONDSTORE");
      mailbox.delete(folder, List.of(b)); // through another connection
      mailbox.addFlags(folder, List.of(a), Set.of(Flag.FLAGGED));
      Uid d = append("d");
      proxy.resetCounts();
      Changes next = m.changesSince(folder, first.state());
      assertThat(next.removed()).containsExactly(b);
      assertThat(next.changed()).extracting(MessageSummary::uid).containsExactly(a);
      assertThat(next.added()).extracting(MessageSummary::uid).containsExactly(d);
      assertThat(next.state().known()).containsOnlyKeys(a.asString(), c.asString(), d.asString());
      if (qresync) {
        assertThat(proxy.commands()).anyMatch(l -> l.contains("CHANGEDSINCE") && l.contains("VANISHED"));
        assertThat(proxy.count("UID SEARCH")).isZero();
      } else {
        assertThat(proxy.commands()).noneMatch(l -> l.contains("VANISHED"));
        assertThat(proxy.count("UID SEARCH")).isEqualTo(1);
      }
      assertThat(m.changesSince(folder, next.state()).isEmpty()).isTrue();
    }
  }

  @Test
  void listNewestCountsRightAfterRemovalsReportedAsVanished() {
    List<Uid> uids = List.of(append("m1"), append("m2"), append("m3"), append("m4"), append("m5"));
    assertThat(mailbox.listNewest(folder, 10)).hasSize(5);
    mailbox.delete(folder, List.of(uids.get(1), uids.get(2))); // this connection's own expunge
    assertThat(mailbox.listNewest(folder, 10)).extracting(x -> x.envelope().subject()).containsExactly("m5", "m4", "m1");
    try (Mailbox other = Mailbox.connect(settings(Security.NONE))) {
      other.delete(folder, List.of(uids.get(4))); // another connection's expunge, learnt by NOOP
    }
    assertThat(mailbox.listNewest(folder, 10)).extracting(x -> x.envelope().subject()).containsExactly("m4", "m1");
  }

  @Test
  void sendsIdAfterLoginWhenOfferedAndNotWhenAbsent() throws Exception {
    try (ImapProxy proxy = new ImapProxy(imapPort(), Set.of()); Mailbox m = Mailbox.connect(viaProxy(proxy))) {
      List<String> names = proxy.commands().stream().map(l -> l.split(" ", 2)[0].toUpperCase(Locale.ROOT)).toList();
      int login = Math.max(names.indexOf("LOGIN"), names.indexOf("AUTHENTICATE"));
      assertThat(login).as("login in %s", names).isNotNegative();
      assertThat(names.indexOf("ID")).as("ID in %s", names).isGreaterThan(login);
      assertThat(proxy.commands()).anyMatch(l -> l.startsWith("ID (") && l.contains("\"Satchel\""));
    }
    try (ImapProxy proxy = new ImapProxy(imapPort(), Set.of("ID")); Mailbox m = Mailbox.connect(viaProxy(proxy))) {
      assertThat(m.status(m.inbox()).uidValidity()).isPresent();
      assertThat(proxy.count("ID")).isZero();
    }
  }

  @Test
  void listingKeepsTheSendersUtcOffset() {
    for (String date : List.of("2026-03-01T09:30:00+05:30", "2026-03-01T09:30:00-08:00")) {
      mailbox.append(folder, OutgoingMessage.builder().from("bob@example.test").to(USER).subject(date)
          .date(OffsetDateTime.parse(date)).text("x").build(), Set.of());
    }
    assertThat(mailbox.list(folder)).extracting(s -> s.envelope().date().orElseThrow()).containsExactly(
        OffsetDateTime.parse("2026-03-01T09:30:00+05:30"), OffsetDateTime.parse("2026-03-01T09:30:00-08:00"));
  }

  @Test
  void inboxProcessorOverQresyncHandsEachMessageOverOnce() {
    Uid m1 = append("m1");
    append("m2");
    AtomicBoolean failOnce = new AtomicBoolean(true);
    List<String> handled = new CopyOnWriteArrayList<>();
    SyncStateStore store = SyncStateStore.inMemory();
    InboxProcessor p = InboxProcessor.builder().settings(settings(Security.NONE)).folder(folder.fullName())
        .stateStore(store).stateKey("k").afterHandling(AfterHandling.markSeen())
        .handler(m -> {
          if (m.subject().equals("m2") && failOnce.getAndSet(false)) {
            throw new IllegalStateException("fails once");
          }
          handled.add(m.subject());
        })
        .build();
    assertThat(p.runOnce().failed()).isEqualTo(1);
    // A message is pending: the state carries no HIGHESTMODSEQ, so the next run compares every UID.
    assertThat(store.load("k").orElseThrow().highestModSeq()).isEmpty();
    assertThat(p.runOnce().handled()).isEqualTo(1);
    assertThat(store.load("k").orElseThrow().highestModSeq()).isPresent();
    append("m3");
    mailbox.delete(folder, List.of(m1));
    InboxProcessor.Report third = p.runOnce(); // a fresh Mailbox: the resynchronising SELECT
    assertThat(third.found()).isEqualTo(1);
    assertThat(handled).containsExactly("m1", "m2", "m3");
    assertThat(store.load("k").orElseThrow().known()).hasSize(2);
    assertThat(p.runOnce().found()).isZero();
    assertThat(mailbox.list(folder)).hasSize(2).allSatisfy(s -> assertThat(s.isSeen()).isTrue());
  }

  @Test
  void watchReportsSeveralRemovalsAnnouncedAsOneVanishedResponse() {
    List<Uid> uids = List.of(append("r1"), append("r2"), append("r3"));
    ImapWatchTest.Recorder rec = new ImapWatchTest.Recorder();
    try (Mailbox m = Mailbox.connect(settings(Security.NONE),
            MailboxOptions.builder().reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(400)).build());
        Watch w = m.watch(folder, rec)) {
      mailbox.delete(folder, uids.subList(0, 2)); // one UID EXPUNGE of two messages
      ImapWatchTest.await(() -> rec.removed.size() == 2, "both removals are pushed");
      append("after");
      ImapWatchTest.await(() -> rec.hasSubject("after"), "the watch still reports deliveries");
      assertThat(rec.removed).containsExactlyInAnyOrderElementsOf(uids.subList(0, 2));
      assertThat(rec.drops).isEmpty();
    }
  }

  static final MailboxOptions FAST_RECONNECT =
      MailboxOptions.builder().reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(400)).build();

  /** The commands of the proxied connection that idled, the watch's own (fails when none or several did). */
  static List<String> idlingConnection(ImapProxy proxy) {
    List<List<String>> idling = proxy.commandsByConnection().stream()
        .filter(c -> c.stream().anyMatch(l -> l.equals("IDLE"))).toList();
    assertThat(idling).as("connections that sent IDLE: %s", proxy.commandsByConnection()).hasSize(1);
    return idling.get(0);
  }

  @Test
  void watchOverQresyncReportsRemovalsFlagChangesAndDeliveries() throws Exception {
    Uid m1 = append("m1");
    Uid m2 = append("m2");
    Uid m3 = append("m3");
    Uid m4 = append("m4");
    ImapWatchTest.Recorder rec = new ImapWatchTest.Recorder();
    try (ImapProxy proxy = new ImapProxy(imapPort(), Set.of());
        Mailbox m = Mailbox.connect(viaProxy(proxy), FAST_RECONNECT);
        Watch w = m.watch(folder, rec)) {
      ImapWatchTest.await(() -> proxy.count("IDLE") >= 1, "the watch idles");
      mailbox.addFlags(folder, List.of(m2), Set.of(Flag.FLAGGED));
      ImapWatchTest.await(() -> rec.changed.stream().anyMatch(c -> c.uid().equals(m2) && c.flags().contains(Flag.FLAGGED)),
          "the flag change is pushed");
      mailbox.delete(folder, List.of(m4)); // the newest message
      ImapWatchTest.await(() -> rec.removed.contains(m4), "the removal of the newest message is pushed");
      Uid d = append("delivered");
      ImapWatchTest.await(() -> rec.hasSubject("delivered"), "the delivery is pushed");
      mailbox.delete(folder, List.of(m1, m3)); // several in one UID EXPUNGE
      ImapWatchTest.await(() -> rec.removed.containsAll(List.of(m1, m3)), "both removals are pushed");
      mailbox.delete(folder, List.of(m2, d)); // the folder is empty afterwards
      ImapWatchTest.await(() -> rec.removed.containsAll(List.of(m2, d)), "the last removals are pushed");
      assertThat(mailbox.list(folder)).isEmpty();
      append("into the empty folder");
      ImapWatchTest.await(() -> rec.hasSubject("into the empty folder"), "a delivery into the emptied folder is pushed");

      assertThat(rec.removed).containsExactlyInAnyOrder(m4, m1, m3, m2, d);
      assertThat(rec.added).extracting(s -> s.envelope().subject()).containsExactly("delivered", "into the empty folder");
      // delete() marks \Deleted before UID EXPUNGE: a watch may see that flag change before the removal
      assertThat(rec.changed).filteredOn(c -> !c.flags().contains(Flag.DELETED)).extracting(MessageSummary::uid)
          .containsExactly(m2);
      assertThat(rec.changed).filteredOn(c -> c.flags().contains(Flag.DELETED)).extracting(MessageSummary::uid)
          .isSubsetOf(rec.removed);
      assertThat(rec.drops).isEmpty();
      List<String> watchCommands = idlingConnection(proxy);
      assertThat(watchCommands).anyMatch(l -> l.startsWith("UID FETCH") && l.contains("CHANGEDSINCE") && l.contains("VANISHED"));
      // QRESYNC tells removals: no search for them. A "UID SEARCH UID x" may appear only as the listing's
      // existence check when a message vanished between the change report and its summary fetch.
      assertThat(proxy.commandsByConnection().stream().flatMap(List::stream)
          .filter(l -> l.startsWith("UID SEARCH") && !l.startsWith("UID SEARCH UID "))).as("commands %s",
          proxy.commandsByConnection()).isEmpty();
    }
  }

  /**
   * Dovecot evaluates a UID set against what the session has been told: a UID appended (through the
   * store's own connection) after the folder was selected is silently skipped by UID STORE, COPY,
   * MOVE, EXPUNGE and FETCH until the selected connection hears of it.
   */
  @Test
  void commandsReachMessagesAppendedAfterTheFolderWasSelected() {
    append("first");
    assertThat(mailbox.list(folder)).hasSize(1); // the folder is now selected
    Uid flagged = append("to flag");
    mailbox.addFlags(folder, List.of(flagged), Set.of(Flag.FLAGGED));
    Uid fetched = append("to fetch");
    assertThat(mailbox.fetch(folder, fetched).summary().envelope().subject()).isEqualTo("to fetch");
    Uid copied = append("to copy");
    Folder target = mailbox.createFolder(folder.fullName() + "/target");
    assertThat(mailbox.copy(folder, List.of(copied), target)).hasSize(1);
    Uid moved = append("to move");
    assertThat(mailbox.move(folder, List.of(moved), target)).hasSize(1);
    Uid deleted = append("to delete");
    mailbox.delete(folder, List.of(deleted));
    try (Mailbox other = Mailbox.connect(settings(Security.NONE))) {
      assertThat(other.list(folder)).extracting(s -> s.envelope().subject())
          .containsExactly("first", "to flag", "to fetch", "to copy");
      assertThat(other.list(folder)).filteredOn(s -> s.flags().contains(Flag.FLAGGED))
          .extracting(MessageSummary::uid).containsExactly(flagged);
      assertThat(other.list(target)).extracting(s -> s.envelope().subject()).containsExactly("to copy", "to move");
    }
    mailbox.deleteFolder(target);
  }

  /** The lines {@code SELECT <folder> (QRESYNC (...))} among {@code commands}. */
  static List<String> resyncSelects(List<String> commands, Folder f) {
    // the engine quotes every folder name
    return commands.stream().map(l -> l.replace("\"" + f.fullName() + "\"", f.fullName()))
        .filter(l -> l.startsWith("SELECT " + f.fullName() + " (QRESYNC (")).toList();
  }

  @Test
  void freshMailboxResynchronisesWithOneSelectAndAgreesWithTheOldPath() throws Exception {
    Uid a = append("a");
    Uid b = append("b");
    Uid c = append("c");
    SyncState saved = mailbox.changesSince(folder, SyncState.initial(folder.fullName())).state();
    mailbox.delete(folder, List.of(b));
    mailbox.addFlags(folder, List.of(a), Set.of(Flag.FLAGGED));
    Uid d = append("d");
    Changes resynced;
    try (ImapProxy proxy = new ImapProxy(imapPort(), Set.of()); Mailbox m = Mailbox.connect(viaProxy(proxy))) {
      proxy.resetCounts();
      resynced = m.changesSince(folder, saved);
      List<String> commands = proxy.commands();
      assertThat(resyncSelects(commands, folder)).as("commands %s", commands).containsExactly("SELECT "
          + folder.fullName() + " (QRESYNC (" + saved.uidValidity().getAsLong() + " " + saved.highestModSeq().getAsLong()
          + "))");
      assertThat(commands).as("commands %s", commands).noneMatch(l -> l.contains("CHANGEDSINCE"))
          .noneMatch(l -> l.startsWith("NOOP") || l.startsWith("STATUS") || l.startsWith("UID SEARCH"))
          .noneMatch(l -> l.startsWith("AUTHENTICATE") || l.startsWith("LOGIN")); // no second connection
      // the SELECT (it leaves INBOX, selected by connect, by itself), one UID FETCH for the summaries of a and d
      assertThat(commands).as("commands %s", commands).hasSize(2);
    }
    assertThat(resynced.removed()).containsExactly(b);
    assertThat(resynced.changed()).extracting(MessageSummary::uid).containsExactly(a);
    assertThat(resynced.added()).extracting(MessageSummary::uid).containsExactly(d);
    assertThat(resynced.state().known()).containsOnlyKeys(a.asString(), c.asString(), d.asString());
    assertThat(resynced.fullResyncNeeded()).isFalse();
    try (ImapProxy proxy = new ImapProxy(imapPort(), Set.of()); Mailbox m = Mailbox.connect(viaProxy(proxy))) {
      m.list(folder); // selected already: the NOOP + CHANGEDSINCE .. VANISHED path
      proxy.resetCounts();
      Changes old = m.changesSince(folder, saved);
      assertThat(resyncSelects(proxy.commands(), folder)).isEmpty();
      assertThat(proxy.commands()).anyMatch(l -> l.contains("CHANGEDSINCE") && l.contains("VANISHED"));
      assertThat(resynced).isEqualTo(old);
    }
    try (Mailbox m = Mailbox.connect(settings(Security.NONE))) {
      assertThat(m.changesSince(folder, resynced.state()).isEmpty()).isTrue(); // resynchronising again
      // the message count this class keeps on a QRESYNC connection starts right after such a SELECT
      assertThat(m.listNewest(folder, 10)).extracting(MessageSummary::uid).containsExactly(d, c, a);
      mailbox.delete(folder, List.of(c)); // reported to m as VANISHED
      assertThat(m.listNewest(folder, 10)).extracting(MessageSummary::uid).containsExactly(d, a);
    }
  }

  @Test
  void resynchronisingSelectReportsAChangedUidValidityAsFullResync() throws Exception {
    Uid old = append("before");
    SyncState saved = mailbox.changesSince(folder, SyncState.initial(folder.fullName())).state();
    mailbox.deleteFolder(folder);
    folder = mailbox.createFolder(folder.fullName()); // same name, new UIDVALIDITY
    Uid now = append("after");
    assertThat(((Uid.Imap) now).uidValidity()).as("Dovecot gave the recreated folder a new UIDVALIDITY")
        .isNotEqualTo(saved.uidValidity().getAsLong());
    try (ImapProxy proxy = new ImapProxy(imapPort(), Set.of()); Mailbox m = Mailbox.connect(viaProxy(proxy))) {
      proxy.resetCounts();
      Changes c = m.changesSince(folder, saved);
      assertThat(resyncSelects(proxy.commands(), folder)).as("commands %s", proxy.commands()).hasSize(1);
      assertThat(proxy.commands()).noneMatch(l -> l.contains("CHANGEDSINCE"));
      assertThat(c.fullResyncNeeded()).isTrue();
      assertThat(c.removed()).containsExactly(old);
      assertThat(c.added()).extracting(MessageSummary::uid).containsExactly(now);
      assertThat(c.changed()).isEmpty();
      assertThat(c.state().uidValidity()).hasValue(((Uid.Imap) now).uidValidity());
      assertThat(c.state().known()).containsOnlyKeys(now.asString());
      assertThat(m.changesSince(folder, c.state()).isEmpty()).isTrue();
    }
  }

  @Test
  void resynchronisingSelectFromAnEmptyKnownMapReportsOnlyWhatIsThere() throws Exception {
    SyncState saved = mailbox.changesSince(folder, SyncState.initial(folder.fullName())).state();
    assertThat(saved.known()).isEmpty();
    assertThat(saved.highestModSeq()).isPresent();
    Uid gone = append("appended and removed");
    Uid kept = append("kept");
    mailbox.delete(folder, List.of(gone)); // VANISHED (EARLIER) names a UID the state never knew
    try (ImapProxy proxy = new ImapProxy(imapPort(), Set.of()); Mailbox m = Mailbox.connect(viaProxy(proxy))) {
      proxy.resetCounts();
      Changes c = m.changesSince(folder, saved);
      assertThat(resyncSelects(proxy.commands(), folder)).as("commands %s", proxy.commands()).hasSize(1);
      assertThat(c.added()).extracting(MessageSummary::uid).containsExactly(kept);
      assertThat(c.removed()).isEmpty();
      assertThat(c.changed()).isEmpty();
      assertThat(c.state().known()).containsOnlyKeys(kept.asString());
    }
  }

  @Test
  void watchReconnectsWithTheResynchronisingSelectAndReportsTheGap() throws Exception {
    Uid a = append("a");
    Uid b = append("b");
    ImapWatchTest.Recorder rec = new ImapWatchTest.Recorder();
    try (ImapProxy proxy = new ImapProxy(imapPort(), Set.of());
        Mailbox m = Mailbox.connect(viaProxy(proxy), FAST_RECONNECT);
        Watch w = m.watch(folder, rec)) {
      ImapWatchTest.await(() -> proxy.count("IDLE") >= 1, "the watch idles");
      proxy.refuse(true);
      proxy.cutAll();
      ImapWatchTest.await(() -> !rec.drops.isEmpty(), "the cut is reported");
      mailbox.delete(folder, List.of(b));
      mailbox.addFlags(folder, List.of(a), Set.of(Flag.SEEN));
      append("in the gap");
      proxy.resetCounts();
      proxy.refuse(false);
      ImapWatchTest.await(() -> rec.hasSubject("in the gap"), "the delivery in the gap is reported");
      ImapWatchTest.await(() -> rec.removed.contains(b), "the removal in the gap is reported");
      ImapWatchTest.await(() -> rec.changed.stream().anyMatch(s -> s.uid().equals(a) && s.isSeen()),
          "the flag change in the gap is reported");
      ImapWatchTest.await(() -> proxy.count("IDLE") >= 1, "the watch idles again");
      List<String> reconnected = idlingConnection(proxy);
      List<String> beforeIdle = reconnected.subList(0, reconnected.indexOf("IDLE"));
      assertThat(resyncSelects(beforeIdle, folder)).as("commands %s", beforeIdle).hasSize(1);
      assertThat(beforeIdle).as("commands %s", beforeIdle).noneMatch(l -> l.contains("CHANGEDSINCE"))
          .noneMatch(l -> l.startsWith("NOOP") || l.startsWith("STATUS") || l.startsWith("SELECT INBOX"));
      assertThat(rec.added).extracting(s -> s.envelope().subject()).containsExactly("in the gap");
      assertThat(rec.removed).containsExactly(b);
    }
  }

  @Test
  void changesSinceOfAFolderDeletedSinceItsStateFailsAndLeavesTheMailboxUsable() {
    Folder gone = mailbox.createFolder(folder.fullName() + "/gone");
    mailbox.append(gone, OutgoingMessage.builder().from("bob@example.test").to(USER).subject("x").text("x").build(),
        Set.of());
    SyncState saved = mailbox.changesSince(gone, SyncState.initial(gone.fullName())).state();
    mailbox.deleteFolder(gone);
    Uid here = append("here");
    try (Mailbox m = Mailbox.connect(settings(Security.NONE))) {
      assertThatThrownBy(() -> m.changesSince(gone, saved)).isInstanceOf(MailCommandException.class);
      assertThat(m.changesSince(folder, SyncState.initial(folder.fullName())).added())
          .extracting(MessageSummary::uid).containsExactly(here);
    }
  }
}
