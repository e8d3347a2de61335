package dev.satchel.mail.imap;

import static dev.satchel.mail.imap.HostileImapServer.repeat;
import static dev.satchel.mail.imap.HostileImapServer.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Uid;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A server that lies about sizes and counts, or floods, gets a {@link MailConnectionException} naming
 * the limit, never an {@link Error} or an unexpected runtime exception: issue 13, item 3. Run with a
 * small heap (see this module's pom), where each attack used to end in {@link OutOfMemoryError} or
 * {@link StackOverflowError}.
 */
class ImapHostileServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private static MailSettings settings(HostileImapServer server) {
    return MailSettings.builder().server(Protocol.IMAP, "127.0.0.1", server.port(), Security.NONE)
        .password("u@example.test", "pw").connectTimeout(TIMEOUT).readTimeout(TIMEOUT).writeTimeout(TIMEOUT).build();
  }

  /** What {@code use} throws against a server attacking at {@code step}, within the deadline. */
  private static Throwable failure(String step, HostileImapServer.Attack attack, Consumer<Mailbox> use) throws Exception {
    try (HostileImapServer server = new HostileImapServer(step, attack)) {
      return assertTimeoutPreemptively(DEADLINE, () -> catchThrowable(() -> {
        try (Mailbox mailbox = Mailbox.connect(settings(server))) {
          use.accept(mailbox);
        }
      }));
    }
  }

  private static void list(Mailbox mailbox) {
    mailbox.list(mailbox.inbox());
  }

  @Test
  void refusesAMessageCountOfTwoBillionAnsweringSelect() throws Exception {
    Throwable t = failure("SELECT", (out, tag) -> write(out, HostileImapServer.selectAnswer(tag, 2_000_000_000L)),
        ImapHostileServerTest::list);
    assertThat(t).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("2000000000 EXISTS").hasMessageContaining("the limit is 10000000 (maxMessages)");
  }

  @Test
  void refusesAMessageCountOfTwoBillionAnsweringNoop() throws Exception {
    Throwable t = failure("NOOP", (out, tag) -> write(out, "* 2000000000 EXISTS\r\n" + tag + " OK done\r\n"),
        ImapHostileServerTest::list);
    assertThat(t).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("2000000000 EXISTS").hasMessageContaining("maxMessages");
  }

  @Test
  void refusesALiteralOfOnePointFiveGigabytesThenClose() throws Exception {
    Throwable t = failure("FETCH", (out, tag) -> write(out, "* 1 FETCH (UID 1 BODY[] {1500000000}\r\n"),
        ImapHostileServerTest::list);
    assertThat(t).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("a literal of 1500000000 bytes; the limit is 16777216 (maxLiteral)");
  }

  @Test
  void refusesALiteralOfIntegerMaxValue() throws Exception {
    Throwable t = failure("FETCH", (out, tag) -> write(out, "* 1 FETCH (UID 1 BODY[] {2147483647}\r\nabc"),
        ImapHostileServerTest::list);
    assertThat(t).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("a literal of 2147483647 bytes").hasMessageContaining("maxLiteral");
  }

  @Test
  void refusesABodystructureNestedTenThousandDeep() throws Exception {
    Throwable t = failure("FETCH", (out, tag) -> {
      write(out, "* 1 FETCH (UID 1 BODYSTRUCTURE ");
      repeat(out, "(", 10_000);
      write(out, "\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1");
      repeat(out, " \"mixed\")", 10_000);
      write(out, ")\r\n" + tag + " OK done\r\n");
    }, mailbox -> mailbox.fetch(mailbox.inbox(), new Uid.Imap(7, 1)));
    assertThat(t).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("nested lists deeper than 64 levels").hasMessageContaining("maxDepth");
  }

  @Test
  void refusesALineOfFiftyMegabytes() throws Exception {
    Throwable t = failure("FETCH", (out, tag) -> {
      write(out, "* OK ");
      repeat(out, "a", 50L << 20);
      write(out, "\r\n" + tag + " OK done\r\n");
    }, ImapHostileServerTest::list);
    assertThat(t).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("a line longer than 16777216 bytes").hasMessageContaining("maxLine");
  }

  @Test
  void refusesAMillionUntaggedOkLines() throws Exception {
    Throwable t = failure("NOOP", (out, tag) -> {
      repeat(out, "* OK still here\r\n", 1_000_000);
      write(out, tag + " OK done\r\n");
    }, ImapHostileServerTest::list);
    assertThat(t).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("more than 10000 untagged responses").hasMessageContaining("maxUntaggedStatus");
  }

  @Test
  void aServerTricklingItsAnswerIsCutOffAtTheOperationDeadline() throws Exception {
    try (HostileImapServer server = new HostileImapServer("FETCH", (out, tag) -> {
      write(out, "* 1 FETCH (UID 1 FLAGS () ENVELOPE (\"");
      for (int i = 0; i < 600; i++) { // a byte every 100 ms, well within each 10 s read timeout
        write(out, "a");
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    })) {
      MailSettings settings = settings(server).toBuilder().operationTimeout(Duration.ofSeconds(2)).build();
      Throwable t = assertTimeoutPreemptively(DEADLINE, () -> catchThrowable(() -> {
        try (Mailbox mailbox = Mailbox.connect(settings)) {
          list(mailbox);
        }
      }));
      assertThat(t).isInstanceOf(MailConnectionException.class).hasMessageContaining("deadline");
    }
  }

  @Test
  void aHealthyServerIsNotRefused() throws Exception {
    try (HostileImapServer server = new HostileImapServer("NONE", (out, tag) -> { })) {
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Mailbox mailbox = Mailbox.connect(settings(server))) {
          assertThat(mailbox.list(mailbox.inbox())).hasSize(1);
        }
      });
    }
  }
}
