package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.SearchQuery;
import dev.satchel.mail.Security;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.Uid;
import dev.satchel.mail.testkit.ConnectionScript;
import dev.satchel.mail.testkit.Direction;
import dev.satchel.mail.testkit.FaultProxy;
import dev.satchel.mail.testkit.ReliabilityReport;
import dev.satchel.mail.testkit.Seeder;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * IMAP under faults, through the testkit's {@link FaultProxy} in front of the test server: stalls end
 * in {@link MailConnectionException} within the configured timeout (never a hang), cuts in the middle
 * of a fetch or a listing leave the next connection working, garbage and malformed answers from the
 * server are a {@link MailException}, and 50 sessions at once all succeed. Figures go to the
 * {@link ReliabilityReport}.
 */
@ExtendWith(ReliabilityReport.class)
class ImapReliabilityTest {
  /** Every timeout in the settings under test. */
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  /** The timeouts of the load test, which injects no fault. */
  private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(10);
  /** "Did not hang": the timeout plus a margin for a loaded machine. Not a performance bound. */
  private static final Duration DEADLINE = TIMEOUT.plusSeconds(5);
  private static final AtomicInteger USERS = new AtomicInteger();

  private static TestMailServer server;
  private FaultProxy proxy;
  private TestUser user;

  @BeforeAll
  static void startServer() {
    server = TestMailServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void startProxy() {
    proxy = FaultProxy.start(Protocol.IMAP, server.port(Protocol.IMAP, Security.NONE));
    user = server.createUser("rel" + USERS.incrementAndGet() + "@example.test", "rel-pw");
  }

  @AfterEach
  void stopProxy() {
    proxy.close();
  }

  private MailSettings settings(TestUser u) {
    return proxy.route(server.settings(u, Protocol.IMAP).toBuilder()
        .connectTimeout(TIMEOUT).readTimeout(TIMEOUT).writeTimeout(TIMEOUT).build());
  }

  /** Settings for connections that no fault slows down: ordinary 10-second timeouts. */
  private MailSettings healthy(TestUser u) {
    return settings(u).toBuilder().connectTimeout(LOAD_TIMEOUT).readTimeout(LOAD_TIMEOUT).writeTimeout(LOAD_TIMEOUT).build();
  }

  @Test
  void stalledServerFailsTheConnectWithinTheTimeout() {
    proxy.enqueue(ConnectionScript.stall());
    assertTimeoutPreemptively(DEADLINE, () ->
        assertThatThrownBy(() -> Mailbox.connect(settings(user))).isInstanceOf(MailConnectionException.class)
            .hasMessageContaining("timed out"));
  }

  @Test
  void serverStallingAfterLoginFailsEveryOperationWithinTheTimeout() {
    Seeder.messages(3).bodySize(300).appendTo(server, user, "INBOX");
    server.createFolder(user, "Archive");
    long loginBytes = loginBytesToServer();
    Uid first;
    try (Mailbox healthy = Mailbox.connect(healthy(user))) {
      first = healthy.list(healthy.inbox()).get(0).uid();
    }
    Folder archive = Folder.named("Archive");
    OutgoingMessage note = OutgoingMessage.builder().from("a@example.test").to("b@example.test").subject("note").text("x").build();
    Map<String, MailboxOperation> operations = new LinkedHashMap<>();
    operations.put("folders", Mailbox::folders);
    operations.put("status", mb -> mb.status(mb.inbox()));
    operations.put("list", mb -> mb.list(mb.inbox()));
    operations.put("listNewest", mb -> mb.listNewest(mb.inbox(), 1));
    operations.put("search", mb -> mb.search(mb.inbox(), SearchQuery.subject("Message")));
    operations.put("fetch", mb -> mb.fetch(mb.inbox(), first));
    operations.put("openRaw", mb -> {
      try (InputStream in = mb.openRaw(mb.inbox(), first)) {
        in.readAllBytes();
      }
    });
    operations.put("addFlags", mb -> mb.addFlags(mb.inbox(), List.of(first), Set.of(Flag.FLAGGED)));
    operations.put("copy", mb -> mb.copy(mb.inbox(), List.of(first), archive));
    operations.put("move", mb -> mb.move(mb.inbox(), List.of(first), archive));
    operations.put("delete", mb -> mb.delete(mb.inbox(), List.of(first)));
    operations.put("append", mb -> mb.append(archive, note, Set.of()));
    operations.put("createFolder", mb -> mb.createFolder("Stalled"));
    operations.put("changesSince", mb -> mb.changesSince(mb.inbox(), SyncState.initial(Folder.INBOX)));
    // The mailbox's connection goes silent once it has logged in and selected INBOX; any further
    // connection (Angus opens one for commands outside the selected folder, such as LIST or APPEND)
    // is accepted and never answered.
    proxy.defaultScript(ConnectionScript.stall());
    for (Map.Entry<String, MailboxOperation> op : operations.entrySet()) {
      proxy.enqueue(ConnectionScript.stallAfter(Direction.TO_SERVER, loginBytes));
      Mailbox mb = Mailbox.connect(settings(user));
      try {
        Throwable t = assertTimeoutPreemptively(DEADLINE, () -> catchThrowable(() -> op.getValue().run(mb)), op.getKey());
        assertThat(t).as(op.getKey()).isInstanceOf(MailConnectionException.class);
      } finally {
        assertTimeoutPreemptively(DEADLINE, mb::close, "close after " + op.getKey());
      }
    }
    proxy.defaultScript(ConnectionScript.passThrough());
    try (Mailbox after = Mailbox.connect(healthy(user))) {
      assertThat(after.list(after.inbox())).as("nothing changed").hasSize(3).noneMatch(s -> s.flags().contains(Flag.FLAGGED));
    }
  }

  @Test
  void serverStallingInTheMiddleOfAFetchFailsWithinTheTimeout() {
    Seeder.messages(1).bodySize(300_000).appendTo(server, user, "INBOX");
    Uid uid = firstUid();
    proxy.enqueue(ConnectionScript.stallAfter(Direction.TO_CLIENT, 60_000));
    Mailbox mb = Mailbox.connect(settings(user));
    try {
      assertTimeoutPreemptively(DEADLINE, () ->
          assertThatThrownBy(() -> mb.fetch(mb.inbox(), uid)).isInstanceOf(MailConnectionException.class));
    } finally {
      assertTimeoutPreemptively(DEADLINE, mb::close);
    }
  }

  @Test
  void cutInTheMiddleOfAFetchFailsAndTheNextConnectionWorks() throws Exception {
    Seeder.Batch batch = Seeder.messages(1).bodySize(300_000);
    batch.appendTo(server, user, "INBOX");
    Uid uid = firstUid();
    for (long cutAt : new long[] {5_000, 60_000, 150_000, 290_000}) {
      proxy.enqueue(ConnectionScript.cutAfter(Direction.TO_CLIENT, cutAt));
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Mailbox mb = Mailbox.connect(settings(user))) {
          assertThatThrownBy(() -> mb.fetch(mb.inbox(), uid)).as("cut after %d bytes", cutAt)
              .isInstanceOf(MailConnectionException.class);
        }
      });
      try (Mailbox next = Mailbox.connect(healthy(user))) {
        Message m = next.fetch(next.inbox(), uid);
        assertThat(m.envelope().messageId()).hasValue(batch.messageId(0));
        assertThat(m.text()).hasValueSatisfying(t -> assertThat(t).contains("This is message 0."));
        try (InputStream raw = next.openRaw(next.inbox(), uid)) {
          assertThat(raw.readAllBytes().length).isGreaterThan(300_000);
        }
      }
    }
  }

  @Test
  void cutInTheMiddleOfAListingFailsAndTheNextConnectionWorks() {
    Seeder.Batch batch = Seeder.messages(300).bodySize(100);
    batch.appendTo(server, user, "INBOX");
    for (long cutAt : new long[] {5_000, 30_000, 60_000}) {
      proxy.enqueue(ConnectionScript.cutAfter(Direction.TO_CLIENT, cutAt));
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Mailbox mb = Mailbox.connect(settings(user))) {
          assertThatThrownBy(() -> mb.list(mb.inbox())).as("cut after %d bytes", cutAt)
              .isInstanceOf(MailConnectionException.class);
        }
      });
      try (Mailbox next = Mailbox.connect(healthy(user))) {
        List<MessageSummary> all = next.list(next.inbox());
        assertThat(all).hasSize(300);
        assertThat(all.get(299).envelope().subject()).isEqualTo(batch.subject(299));
      }
    }
  }

  @Test
  void garbageInsteadOfTheServerIsAMailConnectionException() {
    List<byte[]> greetings = new ArrayList<>();
    for (long seed = 1; seed <= 20; seed++) {
      greetings.add(ConnectionScript.randomGarbage(seed, 16 + (int) seed * 97));
    }
    greetings.add("+OK POP3 ready\r\n".getBytes(StandardCharsets.US_ASCII));
    greetings.add("220 smtp.example.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
    greetings.add("* BYE go away\r\n".getBytes(StandardCharsets.US_ASCII));
    greetings.add("* OK\r\n".getBytes(StandardCharsets.US_ASCII));
    greetings.add(new byte[] {0, 0, 0, 0, (byte) 0xff, (byte) 0xfe, '\r', '\n'});
    for (byte[] greeting : greetings) {
      proxy.enqueue(ConnectionScript.garbage(greeting));
      assertTimeoutPreemptively(DEADLINE, () ->
          assertThatThrownBy(() -> Mailbox.connect(settings(user)).close())
              .as("greeting %s", new String(greeting, StandardCharsets.ISO_8859_1))
              .isInstanceOf(MailConnectionException.class));
    }
  }

  @Test
  void garbageInTheMiddleOfASessionIsAMailExceptionOrHarmless() {
    Seeder.messages(20).bodySize(2_000).appendTo(server, user, "INBOX");
    long[] offsets = {300, 1_500, 5_000, 20_000};
    for (int i = 0; i < offsets.length; i++) {
      byte[] garbage = ConnectionScript.randomGarbage(100 + i, 300);
      proxy.enqueue(ConnectionScript.builder().injectToClient(offsets[i], garbage).build());
      long offset = offsets[i];
      assertTimeoutPreemptively(DEADLINE, () -> {
        Throwable t = catchThrowable(() -> {
          try (Mailbox mb = Mailbox.connect(settings(user))) {
            for (MessageSummary s : mb.list(mb.inbox())) {
              mb.fetch(mb.inbox(), s.uid());
            }
          }
        });
        assertThat(t).as("garbage after %d bytes: no exception, or a MailException, never a raw one", offset)
            .satisfiesAnyOf(x -> assertThat(x).isNull(), x -> assertThat(x).isInstanceOf(MailException.class));
      });
    }
  }

  @Test
  void malformedAnswersAreMailExceptions() throws Exception {
    Map<String, String> answers = new LinkedHashMap<>();
    answers.put("LOGIN#2", "* CAPABILITY\r\n* OK [CAPABILITY] none\r\n");
    answers.put("LOGIN", "* 1 FETCH (UID x)\r\n");
    answers.put("SELECT", "* notanumber EXISTS\r\n");
    answers.put("SELECT#2", "* OK [UIDVALIDITY abc] bad\r\n");
    answers.put("SELECT#3", "* OK [UIDNEXT -1] bad\r\n* 99999999999999999999 EXISTS\r\n");
    answers.put("SELECT#4", "* FLAGS (\\Seen\r\n");
    answers.put("SEARCH", "* SEARCH 1 two 3\r\n");
    answers.put("FETCH", "* 1 FETCH (UID abc)\r\n");
    answers.put("FETCH#2", "* 1 FETCH (UID 1 RFC822.SIZE big)\r\n");
    answers.put("FETCH#3", "* 1 FETCH (UID 1 ENVELOPE (garbage\r\n");
    answers.put("FETCH#4", "* 1 FETCH (UID 1 BODY[] {99999}\r\nshort\r\n");
    answers.put("FETCH#5", "* 1 FETCH (UID 1 INTERNALDATE \"yesterday\" FLAGS (\\Seen))\r\n");
    answers.put("FETCH#6", "* 1 FETCH (UID 1 BODYSTRUCTURE (\"TEXT\" 12))\r\n");
    answers.put("FETCH#7", "* 1 FETCH (" + new String(ConnectionScript.randomGarbage(11, 200), StandardCharsets.ISO_8859_1) + ")\r\n");
    SoftAssertions softly = new SoftAssertions();
    for (Map.Entry<String, String> a : answers.entrySet()) {
      String step = a.getKey().split("#")[0];
      try (ScriptedImapServer scripted = new ScriptedImapServer(step, a.getValue())) {
        ReliabilityReport.recordBadInput("malformed IMAP " + step + " answer");
        MailSettings s = MailSettings.builder().server(Protocol.IMAP, "127.0.0.1", scripted.port(), Security.NONE)
            .password("u@example.test", "pw").connectTimeout(TIMEOUT).readTimeout(TIMEOUT).writeTimeout(TIMEOUT).build();
        assertTimeoutPreemptively(DEADLINE, () -> {
          Throwable t = catchThrowable(() -> {
            try (Mailbox mb = Mailbox.connect(s)) {
              for (MessageSummary m : mb.list(mb.inbox())) {
                mb.fetch(mb.inbox(), m.uid());
              }
              mb.search(mb.inbox(), SearchQuery.subject("one"));
            }
          });
          softly.assertThat(t).as("answer to %s: %s", step, a.getValue()).isInstanceOf(MailException.class);
        }, a.getKey());
      }
    }
    softly.assertAll();
  }

  @Test
  void fiftyConcurrentMailboxesListAndFetchWithoutErrors() throws Exception {
    int sessions = 50;
    List<TestUser> users = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      TestUser u = server.createUser("many" + USERS.incrementAndGet() + "@example.test", "many-pw");
      Seeder.messages(4).bodySize(500).appendTo(server, u, "INBOX");
      users.add(u);
    }
    CyclicBarrier allConnected = new CyclicBarrier(sessions);
    ExecutorService pool = Executors.newFixedThreadPool(sessions);
    try {
      assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
        List<Future<Integer>> results = new ArrayList<>();
        for (TestUser u : users) {
          results.add(pool.submit(() -> {
            try (Mailbox mb = connectForLoad(u, allConnected)) {
              allConnected.await(30, TimeUnit.SECONDS); // every session is open at this point
              int fetched = 0;
              for (MessageSummary s : mb.list(mb.inbox())) {
                assertThat(mb.fetch(mb.inbox(), s.uid()).subject()).isEqualTo(s.envelope().subject());
                fetched++;
              }
              return fetched;
            }
          }));
        }
        assertThat(awaitAll(results)).containsOnly(4);
      });
    } finally {
      pool.shutdownNow();
    }
    assertThat(proxy.peakConnections()).as("sessions held at once").isGreaterThanOrEqualTo(sessions);
  }

  /** The id of the user's first message, from a healthy connection. */
  private Uid firstUid() {
    try (Mailbox mb = Mailbox.connect(healthy(user))) {
      return mb.list(mb.inbox()).get(0).uid();
    }
  }

  /**
   * Bytes a client sends to log in (and select INBOX, which connecting does): measured on healthy
   * connections, and taken as the largest of two (the proxy counts a chunk just after forwarding it).
   */
  private long loginBytesToServer() {
    long most = 0;
    for (int i = 0; i < 2; i++) {
      int index = proxy.connections().size();
      try (Mailbox mb = Mailbox.connect(healthy(user))) {
        most = Math.max(most, proxy.connection(index).bytesToServer());
      }
    }
    return most;
  }

  @FunctionalInterface
  private interface MailboxOperation {
    void run(Mailbox mailbox) throws Exception;
  }

  /**
   * A connection for the load test: ordinary timeouts (10 s; the 1-second ones are for the fault
   * tests), and a failed connect breaks the barrier at once so that the others do not wait for it.
   */
  private Mailbox connectForLoad(TestUser u, CyclicBarrier allConnected) {
    try {
      return Mailbox.connect(healthy(u));
    } catch (RuntimeException e) {
      allConnected.reset();
      throw e;
    }
  }

  /** The tasks' results; on failure, the first failure that is not a consequence of another (a broken barrier). */
  private static <T> List<T> awaitAll(List<Future<T>> futures) throws Exception {
    List<T> out = new ArrayList<>();
    Throwable first = null;
    for (Future<T> f : futures) {
      try {
        out.add(f.get());
      } catch (java.util.concurrent.ExecutionException e) {
        if (first == null || first instanceof java.util.concurrent.BrokenBarrierException) {
          first = e.getCause();
        }
      }
    }
    if (first instanceof Exception ex) {
      throw ex;
    }
    if (first instanceof Error err) {
      throw err;
    }
    return out;
  }

}
