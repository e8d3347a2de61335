package dev.satchel.mail.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.server.ProtocolHandler;
import com.icegreen.greenmail.util.ServerSetup;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the test server serves connections: TCP_NODELAY on each, and no stack trace from its threads
 * when a connection is cut, while a fault of the server itself still surfaces.
 */
class EmbeddedServiceTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private TestMailServer server;
  private TestUser alice;
  private PrintStream realErr;
  private PrintStream realOut;
  private Thread.UncaughtExceptionHandler realHandler;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final Queue<Throwable> uncaught = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void startServerAndCaptureOutput() {
    server = TestMailServer.start();
    alice = server.createUser("alice@example.com", "secret");
    server.deliver(alice, Seeder.messages(1).to("alice@example.com").bodySize(400_000).build().get(0));
    realErr = System.err;
    realOut = System.out;
    realHandler = Thread.getDefaultUncaughtExceptionHandler();
    PrintStream capture = new PrintStream(output, true, StandardCharsets.UTF_8);
    System.setErr(capture);
    System.setOut(capture);
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
      uncaught.add(e);
      capture.println("Exception in thread \"" + thread.getName() + "\" " + e);
    });
  }

  @AfterEach
  void restoreOutputAndStop() {
    System.setErr(realErr);
    System.setOut(realOut);
    Thread.setDefaultUncaughtExceptionHandler(realHandler);
    server.close();
  }

  @Test
  void imapCutMidFetchPrintsNoStackTrace() throws Exception {
    assertCutIsQuiet(Protocol.IMAP, ConnectionScript.cutAfter(Direction.TO_CLIENT, 20_000),
        settings -> MailClients.fetchInbox(settings));
  }

  @Test
  void pop3CutMidRetrPrintsNoStackTrace() throws Exception {
    assertCutIsQuiet(Protocol.POP3, ConnectionScript.cutAfter(Direction.TO_CLIENT, 20_000),
        settings -> MailClients.fetchInbox(settings));
  }

  @Test
  void smtpCutMidDataPrintsNoStackTrace() throws Exception {
    byte[] big = Seeder.messages(1).from("alice@example.com").to("bob@example.com").bodySize(400_000).build().get(0);
    assertCutIsQuiet(Protocol.SMTP, ConnectionScript.cutAfter(Direction.TO_CLIENT, 200),
        settings -> MailClients.send(settings, big, "bob@example.com"));
  }

  @Test
  void smtpClientResetMidDataPrintsNoStackTrace() throws Exception {
    assertResetIsQuiet(Protocol.SMTP, "EHLO client\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n"
        + "Subject: cut\r\n\r\nthe client goes away here");
  }

  @Test
  void pop3ClientResetMidRetrPrintsNoStackTrace() throws Exception {
    assertResetIsQuiet(Protocol.POP3, "USER alice@example.com\r\nPASS secret\r\nRETR 1\r\n");
  }

  @Test
  void imapClientResetMidFetchPrintsNoStackTrace() throws Exception {
    assertResetIsQuiet(Protocol.IMAP, "a LOGIN alice@example.com secret\r\nb SELECT INBOX\r\nc FETCH 1 BODY[]\r\n");
  }

  @Test
  void aFailureOfTheServerItselfStillSurfaces() {
    Managers managers = new Managers();
    ServerSetup setup = new ServerSetup(0, TestMailServer.HOST, ServerSetup.PROTOCOL_SMTP);
    EmbeddedService service = new EmbeddedService(setup, managers, socket -> handler(() -> {
      throw new IllegalStateException("bug in the server", new NullPointerException("state"));
    }));
    ProtocolHandler handler = service.createProtocolHandler(new Socket());
    assertThatThrownBy(handler::run).isInstanceOf(IllegalStateException.class).hasMessage("bug in the server");

    EmbeddedService cut = new EmbeddedService(setup, managers, socket -> handler(() -> {
      throw new IllegalStateException("Unexpected error handling connection", new SocketException("Broken pipe"));
    }));
    cut.createProtocolHandler(new Socket()).run(); // logged at DEBUG, not thrown
    EmbeddedService endOfData = new EmbeddedService(setup, managers, socket -> handler(() -> {
      throw new IllegalStateException("Unexpected error handling connection",
          new IllegalStateException("Unexpected end of stream, read 141 bytes: Subject: cut"));
    }));
    endOfData.createProtocolHandler(new Socket()).run();
    assertThat(uncaught).isEmpty();
  }

  @Test
  void everyConnectionHasTcpNoDelay() throws Exception {
    BlockingQueue<Boolean> noDelay = new ArrayBlockingQueue<>(1);
    ServerSetup setup = new ServerSetup(0, TestMailServer.HOST, ServerSetup.PROTOCOL_IMAP);
    EmbeddedService service = new EmbeddedService(setup, new Managers(), socket -> handler(() -> {
      try {
        noDelay.add(socket.getTcpNoDelay());
      } catch (SocketException e) {
        throw new IllegalStateException(e);
      }
    }));
    service.startService();
    try {
      assertThat(service.waitTillRunning(10_000)).isTrue();
      try (Socket client = new Socket()) {
        client.connect(new InetSocketAddress(TestMailServer.HOST, service.getPort()), 5_000);
        assertThat(noDelay.poll(10, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      service.stopService(10_000);
    }
  }

  @FunctionalInterface
  private interface Client {
    void run(MailSettings settings) throws Exception;
  }

  private void assertCutIsQuiet(Protocol protocol, ConnectionScript script, Client client) throws Exception {
    int port = server.port(protocol, Security.NONE);
    try (FaultProxy proxy = FaultProxy.start(protocol, port)) {
      proxy.enqueue(script);
      MailSettings settings = proxy.route(server.settings(alice, protocol));
      assertTimeoutPreemptively(DEADLINE, () -> {
        assertThatThrownBy(() -> client.run(settings)).isInstanceOfAny(Exception.class);
        assertThat(proxy.connection(0).firedFault()).isEqualTo("cut");
        awaitServerThreads(protocol.name().toLowerCase(Locale.ROOT) + ":" + TestMailServer.HOST + ":" + port + "<-");
      });
    }
    assertQuiet(protocol);
  }

  /**
   * Sends {@code commands} straight to the service, reads a little of the answer, then resets the
   * connection (SO_LINGER 0), as a client that crashed would.
   */
  private void assertResetIsQuiet(Protocol protocol, String commands) throws Exception {
    int port = server.port(protocol, Security.NONE);
    assertTimeoutPreemptively(DEADLINE, () -> {
      try (Socket client = new Socket()) {
        client.connect(new InetSocketAddress(TestMailServer.HOST, port), 5_000);
        client.setSoTimeout(10_000);
        client.getOutputStream().write(commands.getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        assertThat(client.getInputStream().readNBytes(100)).hasSize(100);
        client.setSoLinger(true, 0);
      }
      awaitServerThreads(protocol.name().toLowerCase(Locale.ROOT) + ":" + TestMailServer.HOST + ":" + port + "<-");
    });
    assertQuiet(protocol);
  }

  private void assertQuiet(Protocol protocol) {
    String printed = output.toString(StandardCharsets.UTF_8);
    assertThat(uncaught.stream().map(EmbeddedServiceTest::chain).toList())
        .as("uncaught exceptions on the server's threads").isEmpty();
    assertThat(printed.lines().toList()).as("output while the %s connection was cut", protocol)
        .noneMatch(line -> line.contains("Exception") || line.startsWith("\tat "));
  }

  /** The exception and its causes, one per line. */
  private static String chain(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      sb.append(t).append(" at ").append(t.getStackTrace().length > 0 ? t.getStackTrace()[0] : "?").append('\n');
      if (t.getCause() == t) {
        break;
      }
    }
    return sb.toString();
  }

  /** Waits until every handler thread of the service with this name prefix has ended. */
  private static void awaitServerThreads(String prefix) throws InterruptedException {
    List<Thread> handlers = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).toList();
    for (Thread t : handlers) {
      t.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(t.isAlive()).as("server thread %s still running", t.getName()).isFalse();
    }
  }

  private static ProtocolHandler handler(Runnable body) {
    return new ProtocolHandler() {
      @Override
      public void run() {
        body.run();
      }

      @Override
      public void close() {}
    };
  }
}
