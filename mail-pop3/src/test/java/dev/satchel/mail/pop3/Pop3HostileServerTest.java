package dev.satchel.mail.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A POP3 server that lies about counts gets a {@link MailConnectionException} naming the limit, never
 * an {@link Error}: issue 13, item 3. Run with a small heap (see this module's pom), where a STAT of
 * two billion messages used to end in {@link OutOfMemoryError}. The attacks on the POP3 engine (issue
 * 15: endless answers, huge lines, trickled bytes, answers out of step, a connection closed mid-answer)
 * each end in a typed exception within the deadline, with the connection closed and nothing committed.
 */
class Pop3HostileServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private static Throwable failure(String command, byte[] answer) throws Exception {
    try (MalformedPop3Server server = new MalformedPop3Server(command, answer)) {
      MailSettings s = MailSettings.builder().server(Protocol.POP3, "127.0.0.1", server.port(), Security.NONE)
          .password("u@example.test", "pw").connectTimeout(TIMEOUT).readTimeout(TIMEOUT).writeTimeout(TIMEOUT).build();
      return assertTimeoutPreemptively(DEADLINE, () -> catchThrowable(() -> {
        try (Mailbox mailbox = Mailbox.connect(s)) {
          mailbox.list(mailbox.inbox());
        }
      }));
    }
  }

  @Test
  void refusesAStatOfTwoBillionMessages() throws Exception {
    Throwable t = failure("STAT", "+OK 2000000000 0\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(t).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("announced 2000000000 messages").hasMessageContaining("the limit is 10000000 (maxMessages)");
  }

  @Test
  void refusesAUidlListingOfMessageNumberTwoBillion() throws Exception {
    Throwable t = failure("UIDL", "+OK\r\n2000000000 uid-one\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(t).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("message number 2000000000").hasMessageContaining("maxMessages");
  }

  @Test
  void refusesAStatusLineOfOneMegabyte() throws Exception {
    byte[] line = new byte[1 << 20];
    Arrays.fill(line, (byte) 'a');
    line[0] = '+';
    line[1] = 'O';
    line[2] = 'K';
    line[3] = ' ';
    Throwable t = failure("STAT", line);
    assertThat(t).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("a status line of more than 65536 bytes").hasMessageContaining("maxPop3Line");
  }

  private static final String CAPA = "USER\r\nUIDL\r\nTOP\r\n";
  private static final String PIPELINED = CAPA + "PIPELINING\r\n";

  private interface MailboxCall {
    void run(Mailbox mailbox);
  }

  /** Connects to {@code server}, runs {@code call} and returns what it threw; checks the connection was closed. */
  private static Throwable attack(HostilePop3Server server, Duration operationTimeout, MailboxCall call) throws Exception {
    MailSettings s = MailSettings.builder().server(Protocol.POP3, "127.0.0.1", server.port(), Security.NONE)
        .password("u@example.test", "pw").connectTimeout(TIMEOUT).readTimeout(TIMEOUT).writeTimeout(TIMEOUT)
        .operationTimeout(operationTimeout).build();
    Throwable t = assertTimeoutPreemptively(DEADLINE, () -> catchThrowable(() -> {
      try (Mailbox mailbox = Mailbox.connect(s)) {
        call.run(mailbox);
      }
    }));
    assertThat(server.clientClosed(10)).as("the client closed the connection").isTrue();
    assertThat(server.commands).as("nothing committed after the attack").doesNotContain("QUIT", "DELE");
    return t;
  }

  private static Throwable attack(String capa, int count, Map<String, HostilePop3Server.Answer> answers, MailboxCall call)
      throws Exception {
    try (HostilePop3Server server = new HostilePop3Server(capa, count, answers)) {
      return attack(server, Duration.ofSeconds(30), call);
    }
  }

  @Test
  void refusesAListingOfMessageNumberTwoBillion() throws Exception {
    Throwable t = attack(CAPA, 1, Map.of("LIST", (out, line) -> HostilePop3Server.send(out, "+OK\r\n2000000000 5\r\n.\r\n")),
        mb -> mb.list(mb.inbox()));
    assertThat(t).isInstanceOf(MailConnectionException.class).hasMessageContaining("message number 2000000000")
        .hasMessageContaining("maxMessages");
  }

  @Test
  void refusesAListingBeyondTheStatCount() throws Exception {
    Throwable t = attack(CAPA, 1, Map.of("UIDL", (out, line) -> HostilePop3Server.send(out, "+OK\r\n1 a\r\n2 b\r\n.\r\n")),
        mb -> mb.list(mb.inbox()));
    assertThat(t).isInstanceOf(MailConnectionException.class).hasMessageContaining("message number 2")
        .hasMessageContaining("maildrop of 1 messages");
  }

  @Test
  void stopsAnEndlessRetrAtTheAnnouncedSizePlusSlack() throws Exception {
    byte[] line = ("x".repeat(78) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    Throwable t = attack(CAPA, 1, Map.of("RETR", (out, l) -> {
      HostilePop3Server.send(out, "+OK\r\n");
      while (true) {
        out.write(line);
      }
    }), mb -> mb.openRaw(mb.inbox(), mb.list(mb.inbox()).get(0).uid()));
    assertThat(t).isInstanceOf(MailConnectionException.class).hasMessageContaining("maxMessageSize")
        .hasMessageContaining("without its terminating");
  }

  @Test
  void stopsAnEndlessUidlWithinTheMemoryLimit() throws Exception {
    // STAT admits nine million messages; the ids are the longest RFC 1939 allows, and never end
    String id = "i".repeat(70);
    Throwable t = attack(CAPA, 9_000_000, Map.of("UIDL", (out, l) -> {
      HostilePop3Server.send(out, "+OK\r\n");
      StringBuilder b = new StringBuilder();
      for (int n = 1; ; n++) {
        b.append(n).append(' ').append(id).append("\r\n");
        if (b.length() > 60_000) {
          out.write(b.toString().getBytes(StandardCharsets.US_ASCII));
          b.setLength(0);
        }
      }
    }), mb -> mb.changesSince(mb.inbox(), dev.satchel.mail.SyncState.initial("INBOX")));
    assertThat(t).isInstanceOf(MailConnectionException.class).hasMessageContaining("maxLiteral");
  }

  @Test
  void refusesAFiftyMegabyteLine() throws Exception {
    byte[] chunk = new byte[1 << 20];
    Arrays.fill(chunk, (byte) 'a');
    Throwable t = attack(CAPA, 1, Map.of("UIDL", (out, l) -> {
      HostilePop3Server.send(out, "+OK\r\n1 ");
      for (int i = 0; i < 50; i++) {
        out.write(chunk);
      }
      HostilePop3Server.send(out, "\r\n.\r\n");
    }), mb -> mb.list(mb.inbox()));
    assertThat(t).isInstanceOf(MailConnectionException.class).hasMessageContaining("line longer than")
        .hasMessageContaining("maxLine");
  }

  @Test
  void aTricklingServerIsStoppedByTheOperationTimeout() throws Exception {
    try (HostilePop3Server server = new HostilePop3Server(CAPA, 1, Map.of("UIDL", (out, l) -> {
      HostilePop3Server.send(out, "+OK\r\n");
      for (int i = 0; i < 10_000; i++) {
        HostilePop3Server.send(out, i % 2 == 0 ? "1" : " ");
        sleep(100);
      }
    }))) {
      long start = System.nanoTime();
      Throwable t = attack(server, Duration.ofSeconds(2), mb -> mb.list(mb.inbox()));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
      assertThat(t).isInstanceOf(MailConnectionException.class).hasMessageContaining("deadline");
    }
  }

  @Test
  void pipelinedAnswersOutOfOrderCloseTheConnection() throws Exception {
    // UIDL and LIST go out together; the server answers them the wrong way round
    String uidl = "+OK\r\n1 uid-one\r\n.\r\n";
    String list = "+OK\r\n1 60\r\n.\r\n";
    Throwable t = attack(PIPELINED, 1, Map.of("UIDL", (out, l) -> HostilePop3Server.send(out, list),
        "LIST", (out, l) -> HostilePop3Server.send(out, uidl)), mb -> mb.list(mb.inbox()));
    assertThat(t).isInstanceOf(MailConnectionException.class).hasMessageContaining("LIST");
  }

  @Test
  void fewerPipelinedAnswersThanCommandsEndAtTheTimeout() throws Exception {
    try (HostilePop3Server server = new HostilePop3Server(PIPELINED, 3, Map.of("TOP", (out, l) -> {
      if (l.startsWith("TOP 1 ")) {
        HostilePop3Server.send(out, "+OK\r\nSubject: only one\r\n\r\n.\r\n");
      }
    }))) {
      Throwable t = attack(server, Duration.ofSeconds(3), mb -> mb.list(mb.inbox()));
      assertThat(t).isInstanceOf(MailConnectionException.class).hasMessageContaining("deadline");
    }
  }

  @Test
  void moreAnswersThanCommandsCloseTheConnection() throws Exception {
    Throwable t = attack(CAPA, 1, Map.of("NOOP", (out, l) -> { }, "STAT",
        (out, l) -> HostilePop3Server.send(out, "+OK 1 60\r\n+OK 1 60\r\n")), mb -> mb.list(mb.inbox()));
    assertThat(t).isInstanceOf(MailConnectionException.class).hasMessageContaining("nobody asked for");
  }

  @Test
  void aConnectionClosedInTheMiddleOfADownloadIsAConnectionFailure() throws Exception {
    Throwable t = attack(CAPA, 1, Map.of("RETR", (out, l) -> {
      HostilePop3Server.send(out, "+OK\r\nFrom: a@example.test\r\nSubject: cut");
      throw new java.io.IOException("cut");
    }), mb -> mb.fetch(mb.inbox(), mb.list(mb.inbox()).get(0).uid()));
    assertThat(t).isInstanceOf(MailConnectionException.class).hasMessageContaining("closed the connection");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
