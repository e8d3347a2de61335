package dev.satchel.mail.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.satchel.mail.Folder;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
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
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * POP3 under faults, through the testkit's {@link FaultProxy} in front of the test server: stalls end
 * in {@link MailConnectionException} within the configured timeout (never a hang), cuts in the middle
 * of a fetch or a listing leave the next connection working, garbage from the server is a
 * {@link MailException}, and 50 sessions at once all succeed. Figures go to the {@link ReliabilityReport}.
 */
@ExtendWith(ReliabilityReport.class)
class Pop3ReliabilityTest {
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
    proxy = FaultProxy.start(Protocol.POP3, server.port(Protocol.POP3, Security.NONE));
    user = server.createUser("rel" + USERS.incrementAndGet() + "@example.test", "rel-pw");
  }

  @AfterEach
  void stopProxy() {
    proxy.close();
  }

  private MailSettings settings(TestUser u) {
    return proxy.route(server.settings(u, Protocol.POP3).toBuilder()
        .connectTimeout(TIMEOUT).readTimeout(TIMEOUT).writeTimeout(TIMEOUT).build());
  }

  private Seeder.Batch seed(TestUser u, int count, int bodySize) {
    Seeder.Batch batch = Seeder.messages(count).to(u.address()).bodySize(bodySize);
    batch.build().forEach(raw -> server.deliver(u, raw));
    return batch;
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
    seed(user, 2, 300);
    long loginBytes = loginBytesToServer();
    Uid first;
    try (Mailbox healthy = Mailbox.connect(healthy(user))) {
      first = healthy.list(healthy.inbox()).get(0).uid();
    }
    Map<String, MailboxOperation> operations = new LinkedHashMap<>();
    operations.put("list", mb -> mb.list(mb.inbox()));
    operations.put("listNewest", mb -> mb.listNewest(mb.inbox(), 1));
    operations.put("fetch", mb -> mb.fetch(mb.inbox(), first));
    operations.put("openRaw", mb -> mb.openRaw(mb.inbox(), first).close());
    operations.put("changesSince", mb -> mb.changesSince(mb.inbox(), SyncState.initial(Folder.INBOX)));
    operations.put("delete", mb -> mb.delete(mb.inbox(), List.of(first)));
    for (Map.Entry<String, MailboxOperation> op : operations.entrySet()) {
      proxy.enqueue(ConnectionScript.stallAfter(Direction.TO_SERVER, loginBytes));
      assertTimeoutPreemptively(DEADLINE, () -> {
        Mailbox mb = Mailbox.connect(settings(user));
        try {
          assertThatThrownBy(() -> op.getValue().run(mb)).as(op.getKey()).isInstanceOf(MailConnectionException.class);
        } finally {
          mb.close();
        }
      }, op.getKey());
    }
    try (Mailbox after = Mailbox.connect(healthy(user))) {
      assertThat(after.list(after.inbox())).as("a stalled session deletes nothing").hasSize(2);
    }
  }

  @Test
  void serverStallingInTheMiddleOfAFetchFailsWithinTheTimeout() {
    seed(user, 1, 200_000);
    Uid uid = firstUid();
    proxy.enqueue(ConnectionScript.stallAfter(Direction.TO_CLIENT, 60_000));
    assertTimeoutPreemptively(DEADLINE, () -> {
      try (Mailbox mb = Mailbox.connect(settings(user))) {
        assertThatThrownBy(() -> mb.fetch(mb.inbox(), uid)).isInstanceOf(MailConnectionException.class);
      }
    });
  }

  @Test
  void cutInTheMiddleOfAFetchFailsAndTheNextConnectionWorks() throws Exception {
    Seeder.Batch batch = seed(user, 1, 200_000);
    Uid first = firstUid();
    for (long cutAt : new long[] {5_000, 50_000, 120_000, 190_000}) {
      proxy.enqueue(ConnectionScript.cutAfter(Direction.TO_CLIENT, cutAt));
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Mailbox mb = Mailbox.connect(settings(user))) {
          assertThatThrownBy(() -> mb.fetch(mb.inbox(), first)).as("cut after %d bytes", cutAt)
              .isInstanceOf(MailConnectionException.class);
        }
      });
      try (Mailbox next = Mailbox.connect(healthy(user))) {
        Uid uid = first; // fetched without listing: GreenMail offers no TOP, so a listing downloads whole messages
        Message m = next.fetch(next.inbox(), uid);
        assertThat(m.envelope().messageId()).hasValue(batch.messageId(0));
        assertThat(m.text()).hasValueSatisfying(t -> assertThat(t).contains("This is message 0."));
        try (InputStream raw = next.openRaw(next.inbox(), uid)) {
          assertThat(raw.readAllBytes().length).isGreaterThan(200_000);
        }
      }
    }
  }

  @Test
  void cutInTheMiddleOfAListingFailsAndTheNextConnectionWorks() {
    Seeder.Batch batch = seed(user, 30, 2_000); // about 70 KB: GreenMail offers no TOP, so listing downloads each message
    for (long cutAt : new long[] {3_000, 30_000, 60_000}) {
      proxy.enqueue(ConnectionScript.cutAfter(Direction.TO_CLIENT, cutAt));
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Mailbox mb = Mailbox.connect(settings(user))) {
          assertThatThrownBy(() -> mb.list(mb.inbox())).as("cut after %d bytes", cutAt)
              .isInstanceOf(MailConnectionException.class);
        }
      });
      try (Mailbox next = Mailbox.connect(healthy(user))) {
        List<MessageSummary> all = next.list(next.inbox());
        assertThat(all).hasSize(30);
        assertThat(all.get(29).envelope().subject()).isEqualTo(batch.subject(29));
      }
    }
  }

  @Test
  void cutWhileACommandIsSentFailsAndTheNextConnectionWorks() {
    seed(user, 3, 300);
    long loginBytes = loginBytesToServer();
    proxy.enqueue(ConnectionScript.cutAfter(Direction.TO_SERVER, loginBytes + 2));
    assertTimeoutPreemptively(DEADLINE, () -> {
      try (Mailbox mb = Mailbox.connect(settings(user))) {
        assertThatThrownBy(() -> mb.list(mb.inbox())).isInstanceOf(MailConnectionException.class);
      }
    });
    try (Mailbox next = Mailbox.connect(healthy(user))) {
      assertThat(next.list(next.inbox())).hasSize(3);
    }
  }

  @Test
  void garbageInsteadOfTheServerIsAMailConnectionException() {
    List<byte[]> greetings = new ArrayList<>();
    for (long seed = 1; seed <= 20; seed++) {
      greetings.add(ConnectionScript.randomGarbage(seed, 16 + (int) seed * 97));
    }
    greetings.add("-ERR go away\r\n".getBytes(StandardCharsets.US_ASCII));
    greetings.add("* OK [CAPABILITY IMAP4rev1] this is IMAP\r\n".getBytes(StandardCharsets.US_ASCII));
    greetings.add("220 smtp.example.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
    greetings.add("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
    greetings.add(new byte[] {0, 0, 0, 0, (byte) 0xff, (byte) 0xfe, '\r', '\n'});
    for (byte[] greeting : greetings) {
      proxy.enqueue(ConnectionScript.garbage(greeting));
      assertTimeoutPreemptively(DEADLINE, () ->
          assertThatThrownBy(() -> Mailbox.connect(settings(user)).close())
              .isInstanceOf(MailConnectionException.class));
    }
  }

  @Test
  void garbageInTheMiddleOfASessionIsAMailExceptionOrHarmless() {
    seed(user, 20, 2_000);
    long[] offsets = {200, 1_000, 5_000, 20_000};
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
    answers.put("CAPA", "+OK\r\n\u00ff\u00fe\u0000\r\n");
    answers.put("STAT", "+OK many bytes\r\n");
    answers.put("STAT#2", "+OK\r\n");
    answers.put("STAT#3", "+OK -5 -1\r\n");
    answers.put("UIDL", "+OK\r\n1\r\n.\r\n");
    answers.put("UIDL#2", "+OK\r\nabc def\r\n.\r\n");
    answers.put("UIDL#3", "+OK\r\n1 uid-one\r\n");
    answers.put("UIDL#4", "-ERR\r\n");
    answers.put("LIST", "+OK\r\n1 huge\r\n.\r\n");
    answers.put("LIST#2", "+OK\r\nnonsense\r\n.\r\n");
    answers.put("LIST#3", "+OK\r\n7 100\r\n.\r\n");
    answers.put("TOP", "+OK\r\nSubject: cut\r\n");
    answers.put("TOP#2", "what is this\r\n");
    answers.put("RETR", "+OK\r\nFrom: a@example.test\r\n");
    answers.put("RETR#2", "+OK\r\n" + new String(ConnectionScript.randomGarbage(7, 400), StandardCharsets.ISO_8859_1));
    for (Map.Entry<String, String> a : answers.entrySet()) {
      String verb = a.getKey().split("#")[0];
      try (MalformedPop3Server scripted = new MalformedPop3Server(verb, a.getValue().getBytes(StandardCharsets.ISO_8859_1))) {
        ReliabilityReport.recordBadInput("malformed POP3 " + verb + " answer");
        MailSettings s = MailSettings.builder().server(Protocol.POP3, "127.0.0.1", scripted.port(), Security.NONE)
            .password("u@example.test", "pw").connectTimeout(TIMEOUT).readTimeout(TIMEOUT).writeTimeout(TIMEOUT).build();
        assertTimeoutPreemptively(DEADLINE, () -> {
          Throwable t = catchThrowable(() -> {
            try (Mailbox mb = Mailbox.connect(s)) {
              for (MessageSummary m : mb.list(mb.inbox())) {
                mb.fetch(mb.inbox(), m.uid());
              }
            }
          });
          if (verb.equals("STAT") && t == null) {
            return; // Angus reads an unparseable STAT count as 0: an empty maildrop, no crash
          }
          assertThat(t).as("answer to %s: %s", verb, a.getValue()).isInstanceOf(MailException.class);
        }, a.getKey());
      }
    }
  }

  @Test
  void fiftyConcurrentMailboxesListAndFetchWithoutErrors() throws Exception {
    int sessions = 50;
    List<TestUser> users = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      TestUser u = server.createUser("many" + USERS.incrementAndGet() + "@example.test", "many-pw");
      seed(u, 4, 500);
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
   * Bytes a client sends to log in and open the maildrop: measured on healthy connections, and taken
   * as the largest of two (the proxy counts a chunk just after forwarding it).
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
