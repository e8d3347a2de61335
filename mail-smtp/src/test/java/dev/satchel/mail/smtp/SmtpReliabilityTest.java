package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Transport;
import dev.satchel.mail.testkit.ConnectionScript;
import dev.satchel.mail.testkit.Direction;
import dev.satchel.mail.testkit.FaultProxy;
import dev.satchel.mail.testkit.ReliabilityReport;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SMTP under faults, through the testkit's {@link FaultProxy} in front of the test server: stalls end
 * in {@link MailConnectionException} within the configured timeouts (never a hang), cuts in the middle
 * of a send leave the next send working and deliver nothing twice, garbage from the server is a
 * {@link MailException}, and 50 transports at once all deliver. Figures go to the {@link ReliabilityReport}.
 */
@ExtendWith(ReliabilityReport.class)
class SmtpReliabilityTest {
  /** Every timeout in the settings under test. */
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  /** The timeouts of the load test, which injects no fault. */
  private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(10);
  /**
   * "Did not hang": a send may wait twice (the lost first attempt, then the one retry on a new
   * connection that a loss before the hand-over allows), plus a margin for a loaded machine.
   */
  private static final Duration DEADLINE = TIMEOUT.multipliedBy(2).plusSeconds(5);

  private TestMailServer server;
  private FaultProxy proxy;
  private TestUser alice;

  @BeforeEach
  void start() {
    server = TestMailServer.start();
    proxy = FaultProxy.start(Protocol.SMTP, server.port(Protocol.SMTP, Security.NONE));
    alice = TestServers.alice(server);
  }

  @AfterEach
  void stop() {
    proxy.close();
    server.close();
  }

  private MailSettings settings() {
    return proxy.route(server.settings(alice, Protocol.SMTP).toBuilder()
        .connectTimeout(TIMEOUT).readTimeout(TIMEOUT).writeTimeout(TIMEOUT).build());
  }

  /** Settings for connections that no fault slows down: ordinary 10-second timeouts. */
  private MailSettings healthy() {
    return settings().toBuilder().connectTimeout(LOAD_TIMEOUT).readTimeout(LOAD_TIMEOUT).writeTimeout(LOAD_TIMEOUT).build();
  }

  private static OutgoingMessage message(String subject, int attachmentBytes) {
    OutgoingMessage.Builder b = OutgoingMessage.builder().from(TestServers.ALICE).to("bob@example.test")
        .subject(subject).text("Body of " + subject);
    if (attachmentBytes > 0) {
      byte[] bytes = new byte[attachmentBytes];
      new Random(attachmentBytes).nextBytes(bytes);
      b.attach(Attachment.of("data.bin", "application/octet-stream", bytes));
    }
    return b.build();
  }

  private List<String> receivedSubjects() throws Exception {
    List<String> out = new ArrayList<>();
    for (var m : TestServers.received(server)) {
      out.add(m.getSubject());
    }
    return out;
  }

  @Test
  void stalledServerFailsTheConnectWithinTheTimeout() {
    proxy.enqueue(ConnectionScript.stall());
    assertTimeoutPreemptively(DEADLINE, () ->
        assertThatThrownBy(() -> Transport.connect(settings())).isInstanceOf(MailConnectionException.class)
            .hasMessageContaining("timed out"));
  }

  @Test
  void serverStallingAfterLoginFailsTheSendWithinTheTimeouts() throws Exception {
    long loginBytes = loginBytesToServer();
    proxy.defaultScript(ConnectionScript.stallAfter(Direction.TO_SERVER, loginBytes));
    assertTimeoutPreemptively(DEADLINE, () -> {
      try (Transport smtp = Transport.connect(settings())) {
        assertThatThrownBy(() -> smtp.send(message("stalled", 0))).isInstanceOf(MailConnectionException.class);
      }
    });
    proxy.defaultScript(ConnectionScript.passThrough());
    try (Transport smtp = Transport.connect(healthy())) {
      smtp.send(message("after the stall", 0));
    }
    assertThat(server.awaitReceived(1, Duration.ofSeconds(10))).isTrue();
    assertThat(receivedSubjects()).containsExactly("after the stall");
  }

  @Test
  void serverStallingInTheMiddleOfTheDataFailsWithinTheTimeouts() throws Exception {
    long loginBytes = loginBytesToServer();
    proxy.defaultScript(ConnectionScript.stallAfter(Direction.TO_SERVER, loginBytes + 50_000));
    assertTimeoutPreemptively(DEADLINE, () -> {
      try (Transport smtp = Transport.connect(settings())) {
        assertThatThrownBy(() -> smtp.send(message("stalled in DATA", 300_000))).isInstanceOf(MailConnectionException.class);
      }
    });
  }

  @Test
  void cutInTheMiddleOfASendFailsAndTheNextSendWorks() throws Exception {
    for (long cutAt : new long[] {20_000, 150_000, 350_000}) {
      assertTimeoutPreemptively(DEADLINE, () -> {
        // Every connection is cut: the first attempt and, when the loss came before the final dot was
        // written, its one retry. (Socket buffers may take the whole message before the cut, and a
        // loss after the final dot is never retried.)
        proxy.defaultScript(ConnectionScript.cutAfter(Direction.TO_SERVER, cutAt));
        try (Transport smtp = Transport.connect(settings())) {
          assertThatThrownBy(() -> smtp.send(message("cut at " + cutAt, 300_000))).as("cut after %d bytes", cutAt)
              .isInstanceOf(MailConnectionException.class);
          proxy.defaultScript(ConnectionScript.passThrough());
          smtp.send(message("next after " + cutAt, 300_000)); // same Transport, new connection
        }
      });
    }
    assertThat(server.awaitReceived(3, Duration.ofSeconds(10))).isTrue();
    assertThat(receivedSubjects()).containsExactlyInAnyOrder("next after 20000", "next after 150000", "next after 350000");
  }

  @Test
  void oneCutBeforeTheHandOverIsHealedByTheRetryAndDeliversOnce() throws Exception {
    proxy.enqueue(ConnectionScript.cutAfter(Direction.TO_SERVER, 100_000));
    assertTimeoutPreemptively(DEADLINE, () -> {
      try (Transport smtp = Transport.connect(settings())) {
        smtp.send(message("healed", 300_000));
      }
    });
    assertThat(server.awaitReceived(1, Duration.ofSeconds(10))).isTrue();
    assertThat(receivedSubjects()).containsExactly("healed");
  }

  @Test
  void cutWhileTheServerAnswersFailsAndTheNextSendWorks() throws Exception {
    long loginAnswers = loginBytes(Direction.TO_CLIENT);
    // cut in the answer to MAIL FROM, on every connection (the first attempt and its one retry)
    proxy.defaultScript(ConnectionScript.cutAfter(Direction.TO_CLIENT, loginAnswers + 3));
    assertTimeoutPreemptively(DEADLINE, () -> {
      try (Transport smtp = Transport.connect(settings())) {
        assertThatThrownBy(() -> smtp.send(message("answers cut", 0))).isInstanceOf(MailConnectionException.class);
      }
    });
    proxy.defaultScript(ConnectionScript.passThrough());
    try (Transport smtp = Transport.connect(healthy())) {
      smtp.send(message("answers whole", 0));
    }
    assertThat(server.awaitReceived(1, Duration.ofSeconds(10))).isTrue();
    assertThat(receivedSubjects()).contains("answers whole");
  }

  @Test
  void garbageInsteadOfTheServerIsAMailConnectionException() {
    List<byte[]> greetings = new ArrayList<>();
    for (long seed = 1; seed <= 20; seed++) {
      greetings.add(ConnectionScript.randomGarbage(seed, 16 + (int) seed * 97));
    }
    greetings.add("+OK POP3 ready\r\n".getBytes(StandardCharsets.US_ASCII));
    greetings.add("* OK [CAPABILITY IMAP4rev1] this is IMAP\r\n".getBytes(StandardCharsets.US_ASCII));
    greetings.add("554 no service\r\n".getBytes(StandardCharsets.US_ASCII));
    greetings.add("220\r\n".getBytes(StandardCharsets.US_ASCII));
    greetings.add(new byte[] {0, 0, 0, 0, (byte) 0xff, (byte) 0xfe, '\r', '\n'});
    for (byte[] greeting : greetings) {
      proxy.enqueue(ConnectionScript.garbage(greeting));
      assertTimeoutPreemptively(DEADLINE, () -> {
        Throwable t = catchThrowable(() -> {
          try (Transport smtp = Transport.connect(settings())) {
            smtp.send(message("to nowhere", 0));
          }
        });
        assertThat(t).as("greeting %s", new String(greeting, StandardCharsets.ISO_8859_1))
            .isInstanceOf(MailConnectionException.class);
      });
    }
  }

  @Test
  void malformedRepliesAreMailExceptions() throws Exception {
    Map<String, String> replies = new LinkedHashMap<>();
    replies.put("EHLO", "250-scripted\r\n250-SIZE lots\r\n250 8BITMIME\r\n");
    replies.put("EHLO#2", "25O scripted\r\n");
    replies.put("EHLO#3", "250-scripted\r\n250-8BITMIME\r\n");
    replies.put("EHLO#4", "\u00ff\u00fe garbage\r\n");
    replies.put("MAIL", "hello\r\n");
    replies.put("MAIL#2", "2\r\n");
    replies.put("RCPT", "999 what\r\n");
    replies.put("RCPT#2", "250-more to come\r\n");
    replies.put("DATA", "250 no data for you\r\n");
    replies.put("DATA#2", "\r\n");
    replies.put("DOT", "ok thanks\r\n");
    replies.put("DOT#2", "2");
    for (Map.Entry<String, String> r : replies.entrySet()) {
      String step = r.getKey().split("#")[0];
      try (ScriptedSmtpServer scripted = new ScriptedSmtpServer(step, r.getValue().getBytes(StandardCharsets.ISO_8859_1))) {
        ReliabilityReport.recordBadInput("malformed SMTP " + step + " reply");
        MailSettings s = MailSettings.builder().server(Protocol.SMTP, "127.0.0.1", scripted.port(), Security.NONE)
            .connectTimeout(TIMEOUT).readTimeout(TIMEOUT).writeTimeout(TIMEOUT).build();
        assertTimeoutPreemptively(DEADLINE, () -> {
          Throwable t = catchThrowable(() -> {
            try (Transport smtp = Transport.connect(s)) {
              smtp.send(message("scripted", 0));
            }
          });
          assertThat(t).as("reply to %s: %s", step, r.getValue()).isInstanceOf(MailException.class);
        }, r.getKey());
      }
    }
  }

  @Test
  void fiftyConcurrentTransportsAllDeliver() throws Exception {
    int sessions = 50;
    CyclicBarrier allConnected = new CyclicBarrier(sessions);
    ExecutorService pool = Executors.newFixedThreadPool(sessions);
    try {
      assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
        List<Future<Object>> results = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
          int n = i;
          results.add(pool.submit(() -> {
            try (Transport smtp = connectForLoad(allConnected)) {
              allConnected.await(30, TimeUnit.SECONDS); // every connection is open at this point
              smtp.send(message("concurrent " + n, 2_000));
              smtp.send(message("concurrent " + n + " again", 0));
            }
            return (Object) n;
          }));
        }
        awaitAll(results);
      });
    } finally {
      pool.shutdownNow();
    }
    assertThat(proxy.peakConnections()).as("connections held at once").isGreaterThanOrEqualTo(sessions);
    assertThat(server.awaitReceived(2 * sessions, Duration.ofSeconds(20))).isTrue();
    assertThat(receivedSubjects()).hasSize(2 * sessions).doesNotHaveDuplicates();
  }

  /** Bytes a client sends to connect and log in. */
  private long loginBytesToServer() throws InterruptedException {
    return loginBytes(Direction.TO_SERVER);
  }

  /**
   * Bytes that flow in {@code direction} while a client connects and logs in, measured on healthy
   * connections and taken as the largest of two (the proxy counts a chunk just after forwarding it,
   * so the count is read once it has stopped changing: the client may have read the last answer
   * before the proxy counted it).
   */
  private long loginBytes(Direction direction) throws InterruptedException {
    long most = 0;
    for (int i = 0; i < 2; i++) {
      int index = proxy.connections().size();
      Transport connected = Transport.connect(healthy());
      try {
        long seen;
        long now = proxy.connection(index).bytes(direction);
        long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        do { // until the count stops changing, within a deadline
          seen = now;
          Thread.sleep(50);
          now = proxy.connection(index).bytes(direction);
        } while (now != seen && System.nanoTime() < giveUp);
        most = Math.max(most, now);
      } finally {
        connected.close();
      }
    }
    return most;
  }

  /**
   * A connection for the load test: ordinary timeouts (10 s; the 1-second ones are for the fault
   * tests), and a failed connect breaks the barrier at once so that the others do not wait for it.
   */
  private Transport connectForLoad(CyclicBarrier allConnected) {
    try {
      return Transport.connect(healthy());
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
