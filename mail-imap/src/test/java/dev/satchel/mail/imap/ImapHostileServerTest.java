package dev.satchel.mail.imap;

import static dev.satchel.mail.imap.HostileImapServer.repeat;
import static dev.satchel.mail.imap.HostileImapServer.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.satchel.mail.Folder;
import dev.satchel.mail.FolderStatus;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.Uid;
import dev.satchel.mail.UidRange;
import dev.satchel.mail.imap.HostileImapServer.Setup;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
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

  /**
   * What {@code use} throws against a server attacking as {@code setup} says, and what the mailbox
   * throws when used once more (a STATUS of INBOX) after that: a server that goes on answering
   * healthily must not matter once the attack closed the connection.
   */
  private static Outcome outcome(Setup setup, HostileImapServer.Attack attack, Consumer<Mailbox> use) throws Exception {
    try (HostileImapServer server = new HostileImapServer(setup, attack)) {
      return assertTimeoutPreemptively(DEADLINE, () -> {
        try (Mailbox mailbox = Mailbox.connect(settings(server))) {
          Throwable first = catchThrowable(() -> use.accept(mailbox));
          return new Outcome(first, catchThrowable(() -> mailbox.status(mailbox.inbox())));
        }
      });
    }
  }

  /** What an attack caused, and what the next use of the same mailbox caused. */
  private record Outcome(Throwable failure, Throwable next) {
    /** The failure, checked to have closed the mailbox's connection. */
    Throwable closing() {
      assertThat(next).as("the next command after %s", failure).isInstanceOf(MailConnectionException.class);
      return failure;
    }
  }

  private static Uid uid(long n) {
    return new Uid.Imap(7, n);
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

  // ---------------------------------------------------------------- UID sets past the limit

  @Test
  void refusesAnEsearchUidSetOfFourBillionAnsweringUidSearch() throws Exception {
    Outcome o = outcome(Setup.at("SEARCH").messages(3).thenServe(),
        (out, tag) -> write(out, "* ESEARCH (TAG \"" + tag + "\") UID ALL 1:4000000000\r\n" + tag + " OK done\r\n"),
        mailbox -> mailbox.list(mailbox.inbox(), UidRange.toEnd(2)));
    assertThat(o.closing()).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("a UID set of 4000000000 UIDs").hasMessageContaining("the limit is 10000000 (maxUids)");
  }

  @Test
  void refusesACopyuidOfFourBillionAnsweringCopy() throws Exception {
    Outcome o = outcome(Setup.at("COPY").thenServe(),
        (out, tag) -> write(out, tag + " OK [COPYUID 9 1:4000000000 1:4000000000] copied\r\n"),
        mailbox -> mailbox.copy(mailbox.inbox(), List.of(uid(1)), Folder.named("Archive")));
    assertThat(o.closing()).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("COPYUID").hasMessageContaining("the limit is 10000000 (maxUids)");
  }

  @Test
  void refusesACopyuidOfFourBillionAnsweringMove() throws Exception {
    Outcome o = outcome(Setup.at("MOVE").capabilities("IMAP4rev1 UIDPLUS MOVE").thenServe(),
        (out, tag) -> write(out, "* OK [COPYUID 9 1:4000000000 1:4000000000] moved\r\n* 1 EXPUNGE\r\n"
            + tag + " OK done\r\n"),
        mailbox -> mailbox.move(mailbox.inbox(), List.of(uid(1)), Folder.named("Archive")));
    assertThat(o.closing()).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("COPYUID").hasMessageContaining("the limit is 10000000 (maxUids)");
  }

  @Test
  void refusesVanishedOfFourBillionAnsweringNoopOfStatus() throws Exception {
    refusesVanishedOfFourBillionAnsweringNoop(mailbox -> mailbox.status(mailbox.inbox()));
  }

  @Test
  void refusesVanishedOfFourBillionAnsweringNoopOfAListing() throws Exception {
    refusesVanishedOfFourBillionAnsweringNoop(ImapHostileServerTest::list);
  }

  private static void refusesVanishedOfFourBillionAnsweringNoop(Consumer<Mailbox> use) throws Exception {
    Outcome o = outcome(Setup.at("NOOP").capabilities("IMAP4rev1 UIDPLUS ENABLE QRESYNC CONDSTORE").thenServe(),
        (out, tag) -> write(out, "* VANISHED 1:4000000000\r\n" + tag + " OK done\r\n"), use);
    assertThat(o.closing()).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("VANISHED").hasMessageContaining("the limit is 10000000 (maxUids)");
  }

  @Test
  void refusesVanishedEarlierOfFourBillionAnsweringAResynchronisingSelect() throws Exception {
    SyncState saved = new SyncState("Archive", OptionalLong.of(7), OptionalLong.of(2), OptionalLong.of(5),
        Map.of(uid(1).asString(), Set.of()));
    Outcome o = outcome(Setup.when(line -> line.startsWith("SELECT") && line.contains("QRESYNC"))
            .capabilities("IMAP4rev1 UIDPLUS ENABLE QRESYNC CONDSTORE").thenServe(),
        (out, tag) -> write(out, "* 1 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 2] ok\r\n"
            + "* OK [HIGHESTMODSEQ 9] ok\r\n* VANISHED (EARLIER) 1:4000000000\r\n" + tag + " OK [READ-WRITE] done\r\n"),
        mailbox -> mailbox.changesSince(Folder.named("Archive"), saved));
    assertThat(o.closing()).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("VANISHED").hasMessageContaining("the limit is 10000000 (maxUids)");
  }

  // ---------------------------------------------------------------- literals past the limit

  @Test
  void refusesALiteralOfTwentyMegabytesAnsweringAPartialFetch() throws Exception {
    AtomicReference<Throwable> read = new AtomicReference<>();
    Outcome o = outcome(Setup.when(line -> line.contains("BODY.PEEK[]<")).thenServe(),
        (out, tag) -> write(out, "* 1 FETCH (UID 1 BODY[]<0> {20000000}\r\n"),
        mailbox -> read.set(catchThrowable(() -> {
          try (InputStream in = mailbox.openRaw(mailbox.inbox(), uid(1))) {
            in.readAllBytes();
          }
        })));
    assertThat(o.failure()).isNull();
    assertThat(read.get()).isInstanceOf(IOException.class).hasMessageContaining("UID 1")
        .hasMessageContaining("a literal of 20000000 bytes; the limit is 16777216 (maxLiteral)")
        .hasCauseInstanceOf(MailConnectionException.class);
    assertThat(o.next()).isInstanceOf(MailConnectionException.class);
  }

  @Test
  void refusesALiteralOfTwentyMegabytesAnsweringList() throws Exception {
    Outcome o = outcome(Setup.at("LIST").thenServe(),
        (out, tag) -> write(out, "* LIST (\\HasNoChildren) \"/\" {20000000}\r\n"), Mailbox::folders);
    assertThat(o.closing()).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("a literal of 20000000 bytes; the limit is 16777216 (maxLiteral)");
  }

  // ---------------------------------------------------------------- answers that cannot be used as they are

  @Test
  void aGarbageBodystructureIsReadWholeWithAProblem() throws Exception {
    try (HostileImapServer server = new HostileImapServer(Setup.when(line -> line.contains("BODYSTRUCTURE")).thenServe(),
        (out, tag) -> write(out, HostileImapServer.summary(1).replace("))\r\n", ") BODYSTRUCTURE (\"text\" 7 (1 2) NIL))\r\n")
            + tag + " OK done\r\n"))) {
      Message m = assertTimeoutPreemptively(DEADLINE, () -> {
        try (Mailbox mailbox = Mailbox.connect(settings(server))) {
          return mailbox.fetch(mailbox.inbox(), uid(1));
        }
      });
      assertThat(m.uid()).isEqualTo(uid(1));
      assertThat(m.subject()).isEqualTo("message 1");
      assertThat(m.text()).hasValueSatisfying(t -> assertThat(t).contains("Hello 1"));
      assertThat(m.problems()).first().isEqualTo(EngineMessageReader.WHOLE);
    }
  }

  @Test
  void aPartialFetchAnsweredAtAnotherOriginFailsTheStream() throws Exception {
    Throwable t = readRaw((out, tag) -> write(out, "* 1 FETCH (UID 1 BODY[]<5> {5}\r\nHello)\r\n" + tag + " OK done\r\n"));
    assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("UID 1").hasMessageContaining("at offset 5")
        .hasMessageContaining("not asked for");
  }

  @Test
  void aPartialFetchAnsweredWithMoreBytesThanAskedFailsTheStream() throws Exception {
    Throwable t = readRaw((out, tag) -> {
      write(out, "* 1 FETCH (UID 1 BODY[]<0> {5000}\r\n");
      repeat(out, "x", 5000);
      write(out, ")\r\n" + tag + " OK done\r\n");
    });
    assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("5000 bytes")
        .hasMessageContaining("where 4096 were asked");
  }

  /** What reading message 1 whole with openRaw (in chunks of 4096 bytes) throws when its partial fetch meets {@code attack}. */
  private static Throwable readRaw(HostileImapServer.Attack attack) throws Exception {
    try (HostileImapServer server = new HostileImapServer(Setup.when(line -> line.contains("BODY.PEEK[]<")).thenServe(),
        attack)) {
      MailboxOptions options = MailboxOptions.builder().partialFetchSize(4096).build();
      return assertTimeoutPreemptively(DEADLINE, () -> catchThrowable(() -> {
        try (Mailbox mailbox = Mailbox.connect(settings(server), options);
            InputStream in = mailbox.openRaw(mailbox.inbox(), uid(1))) {
          in.readAllBytes();
        }
      }));
    }
  }

  @Test
  void unsolicitedFetchesAndAnExpungeInAListingTakeNoMessagesPlace() throws Exception {
    String full = HostileImapServer.summary(1) + "* 2 FETCH (FLAGS (\\Seen))\r\n"
        + HostileImapServer.summary(9).replace("* 9 FETCH", "* 7 FETCH") + HostileImapServer.summary(2)
        + HostileImapServer.summary(3) + "* 3 EXPUNGE\r\n";
    try (HostileImapServer server = new HostileImapServer(Setup.when(line -> line.startsWith("FETCH 1:3 ")).messages(3)
        .thenServe(), (out, tag) -> write(out, full + tag + " OK done\r\n"))) {
      List<MessageSummary> listed = assertTimeoutPreemptively(DEADLINE, () -> {
        try (Mailbox mailbox = Mailbox.connect(settings(server))) {
          return mailbox.list(mailbox.inbox());
        }
      });
      assertThat(listed).extracting(MessageSummary::uid).containsExactly(uid(1), uid(2), uid(3));
      assertThat(listed).allSatisfy(m -> assertThat(m.flags()).isEmpty());
      assertThat(listed).extracting(m -> m.envelope().subject()).containsExactly("message 1", "message 2", "message 3");
    }
  }

  @Test
  void aFetchOfAnotherUidInAUidListingTakesNoMessagesPlace() throws Exception {
    try (HostileImapServer server = new HostileImapServer(Setup.when(line -> line.startsWith("UID FETCH 2:3 ")).messages(3)
        .thenServe(), (out, tag) -> write(out, HostileImapServer.summary(1) + "* 1 EXPUNGE\r\n"
            + HostileImapServer.summary(1).replace("* 1 FETCH", "* 2 FETCH") + HostileImapServer.summary(3)
                .replace("* 3 FETCH", "* 2 FETCH") + tag + " OK done\r\n"))) {
      List<MessageSummary> listed = assertTimeoutPreemptively(DEADLINE, () -> {
        try (Mailbox mailbox = Mailbox.connect(settings(server))) {
          return mailbox.list(mailbox.inbox(), UidRange.toEnd(2));
        }
      });
      // UID 1 was not asked for; UID 2 went unanswered and is recovered by the second try
      assertThat(listed).extracting(MessageSummary::uid).containsExactly(uid(2), uid(3));
      assertThat(listed).extracting(m -> m.envelope().subject()).containsExactly("message 2", "message 3");
    }
  }

  // ---------------------------------------------------------------- broken connections and protocol

  @Test
  void aConnectionClosedInsideALiteralEndsTheMailbox() throws Exception {
    Throwable t = failure("FETCH", (out, tag) -> write(out, "* 1 FETCH (UID 1 BODY[HEADER] {100}\r\nFrom: a@exa"),
        ImapHostileServerTest::list);
    assertThat(t).isInstanceOf(MailConnectionException.class).hasMessageContaining("the connection ended with 89 bytes")
        .hasMessageContaining("still to come");
  }

  @Test
  void aTaggedBadForATagNeverUsedEndsTheMailbox() throws Exception {
    Outcome o = outcome(Setup.at("NOOP").thenServe(),
        (out, tag) -> write(out, "X999 BAD unknown command\r\n" + tag + " OK done\r\n"),
        mailbox -> mailbox.status(mailbox.inbox()));
    assertThat(o.closing()).isInstanceOf(MailConnectionException.class).hasMessageContaining("X999")
        .hasMessageContaining("no command");
  }

  @Test
  void aCompletionWithAnotherCommandsTagEndsTheMailbox() throws Exception {
    Outcome o = outcome(Setup.at("NOOP").thenServe(), (out, tag) -> {
      String earlier = "S" + (Integer.parseInt(tag.substring(1)) - 1);
      write(out, earlier + " OK done\r\n" + tag + " OK done\r\n");
    }, mailbox -> mailbox.status(mailbox.inbox()));
    assertThat(o.closing()).isInstanceOf(MailConnectionException.class).hasMessageContaining("no command");
  }

  @Test
  void anEndlessContinuationFloodAnsweringAppendIsCutAtTheLimit() throws Exception {
    Outcome o = outcome(Setup.at("APPEND").thenServe(), (out, tag) -> {
      while (true) { // until the client hangs up
        repeat(out, "+ more\r\n", 10_000);
        out.flush();
      }
    }, mailbox -> mailbox.append(mailbox.inbox(), OutgoingMessage.builder().from("a@example.test")
        .to("b@example.test").subject("s").text("t").build(), Set.of()));
    assertThat(o.closing()).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("maxUntaggedStatus");
  }

  @Test
  void statusNumbersBeyondSixtyFourBitsAreRefusedAsACommandFailure() throws Exception {
    try (HostileImapServer server = new HostileImapServer(Setup.at("STATUS").thenServe(), (out, tag) -> write(out,
        "* STATUS INBOX (MESSAGES 99999999999999999999 UNSEEN 9223372036854775808 UIDVALIDITY 99999999999"
            + " UIDNEXT -1)\r\n" + tag + " OK done\r\n"))) {
      assertTimeoutPreemptively(DEADLINE, () -> {
        try (Mailbox mailbox = Mailbox.connect(settings(server))) {
          assertThat(catchThrowable(() -> mailbox.status(mailbox.inbox()))).isInstanceOf(MailCommandException.class)
              .hasMessageContaining("MESSAGES").hasMessageContaining("99999999999999999999");
          FolderStatus again = mailbox.status(mailbox.inbox()); // the session goes on
          assertThat(again.messages()).isEqualTo(1);
        }
      });
    }
  }

  @Test
  void statusNumbersBeyondTheirRangeAreLeftOut() throws Exception {
    try (HostileImapServer server = new HostileImapServer(Setup.at("STATUS").thenServe(), (out, tag) -> write(out,
        "* STATUS INBOX (MESSAGES 1 UNSEEN 9223372036854775808 UIDVALIDITY 99999999999 UIDNEXT 99999999999999999999)\r\n"
            + tag + " OK done\r\n"))) {
      FolderStatus s = assertTimeoutPreemptively(DEADLINE, () -> {
        try (Mailbox mailbox = Mailbox.connect(settings(server))) {
          return mailbox.status(mailbox.inbox());
        }
      });
      assertThat(s.messages()).isEqualTo(1);
      assertThat(s.unseen()).isEmpty();
      assertThat(s.uidValidity()).isEmpty();
      assertThat(s.uidNext()).isEmpty();
    }
  }
}
