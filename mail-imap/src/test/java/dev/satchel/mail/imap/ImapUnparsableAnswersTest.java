package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.SyncStateStore;
import dev.satchel.mail.Uid;
import dev.satchel.mail.UidRange;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Answers Angus cannot parse, and answers nobody asked for, from a scripted server: a listing holds
 * exactly the messages asked for, each once, malformed or not, and says what could not be read.
 */
class ImapUnparsableAnswersTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static Mailbox connect(FetchScriptedImapServer server) {
    MailSettings s = MailSettings.builder().server(Protocol.IMAP, "127.0.0.1", server.port(), Security.NONE)
        .password("u@example.test", "pw").connectTimeout(TIMEOUT).readTimeout(TIMEOUT).writeTimeout(TIMEOUT).build();
    return Mailbox.connect(s);
  }

  private static List<Long> uids(List<MessageSummary> list) {
    return list.stream().map(m -> ((Uid.Imap) m.uid()).uid()).toList();
  }

  @Test
  void aMessageWhoseEnvelopeCannotBeParsedIsListedFromItsRawHeaderWithAProblem() throws IOException {
    try (FetchScriptedImapServer server = new FetchScriptedImapServer(3).badEnvelope(2); Mailbox imap = connect(server)) {
      List<List<MessageSummary>> listings = List.of(imap.list(imap.inbox()), imap.list(imap.inbox(), new UidRange(1, 3)),
          imap.listNewest(imap.inbox(), 3), imap.changesSince(imap.inbox(), SyncState.initial("INBOX")).added());
      for (List<MessageSummary> listing : listings) {
        assertThat(uids(listing)).containsExactlyInAnyOrder(1L, 2L, 3L);
        MessageSummary two = listing.stream().filter(m -> ((Uid.Imap) m.uid()).uid() == 2).findFirst().orElseThrow();
        assertThat(two.envelope().subject()).isEqualTo("message 2");
        assertThat(two.envelope().from()).extracting(Object::toString).containsExactly("a@example.test");
        assertThat(two.problems()).contains(ImapSummaries.FROM_HEADER);
        assertThat(listing).filteredOn(m -> m != two).allSatisfy(m -> assertThat(m.problems()).isEmpty());
      }
    }
  }

  @Test
  void aMessageWhoseEnvelopeCannotBeParsedIsFetchedWholeWithAProblem() throws IOException {
    try (FetchScriptedImapServer server = new FetchScriptedImapServer(3).badEnvelope(2); Mailbox imap = connect(server)) {
      Message two = imap.fetch(imap.inbox(), new Uid.Imap(7, 2));
      assertThat(two.subject()).isEqualTo("message 2");
      assertThat(two.text()).hasValue("body 2\n");
      assertThat(two.problems()).contains(EngineMessageReader.WHOLE);
    }
  }

  @Test
  void aMessageWhoseAnswersCannotBeParsedAtAllIsListedWithItsUidAndAProblem() throws IOException {
    try (FetchScriptedImapServer server = new FetchScriptedImapServer(3).badAlways(2); Mailbox imap = connect(server)) {
      List<MessageSummary> list = imap.list(imap.inbox());
      assertThat(uids(list)).containsExactly(1L, 2L, 3L);
      assertThat(list.get(1).problems()).containsExactly(ImapSummaries.UNREADABLE);
      assertThat(uids(imap.listNewest(imap.inbox(), 2))).containsExactly(3L, 2L);
      assertThatThrownBy(() -> imap.fetch(imap.inbox(), new Uid.Imap(7, 2))).isInstanceOf(MailCommandException.class)
          .hasMessageContaining("could not be parsed");
    }
  }

  @Test
  void theInboxProcessorDeadLettersAMessageThatCannotBeReadWithTheReason() throws IOException {
    try (FetchScriptedImapServer server = new FetchScriptedImapServer(3).badAlways(2)) {
      List<String> handled = new ArrayList<>();
      List<String> dead = new ArrayList<>();
      InboxProcessor processor = InboxProcessor.builder()
          .mailboxes(() -> connect(server))
          .stateStore(SyncStateStore.inMemory())
          .handler(m -> handled.add(m.subject()))
          .maxFailures(1)
          .deadLetter((m, n, e) -> dead.add(m.uid().asString() + " " + m.problems() + " " + e.getMessage()))
          .afterHandling(AfterHandling.leave())
          .build();
      InboxProcessor.Report report = processor.runOnce();
      assertThat(handled).containsExactly("message 1", "message 3");
      assertThat(dead).singleElement().asString().startsWith(new Uid.Imap(7, 2).asString())
          .contains(ImapSummaries.UNREADABLE).contains("could not be parsed");
      assertThat(report.found()).isEqualTo(3);
      assertThat(report.deadLettered()).isEqualTo(1);
    }
  }

  @Test
  void unsolicitedFetchDataTakesNoMessagesPlace() throws IOException {
    String unasked = "* 5 FETCH (UID 999 FLAGS (\\Seen))\r\n"
        + "* 9 FETCH (UID 999 FLAGS () RFC822.SIZE 10 INTERNALDATE \"01-Jan-2024 09:00:00 +0000\" ENVELOPE (NIL \"intruder\""
        + " NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"
        + "* 4 FETCH (FLAGS (\\Flagged))\r\n";
    try (FetchScriptedImapServer server = new FetchScriptedImapServer(5).unsolicited(unasked); Mailbox imap = connect(server)) {
      List<MessageSummary> newest = imap.listNewest(imap.inbox(), 2);
      assertThat(uids(newest)).containsExactly(5L, 4L);
      assertThat(newest).extracting(m -> m.envelope().subject()).containsExactly("message 5", "message 4");
      assertThat(uids(imap.list(imap.inbox()))).containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThat(uids(imap.list(imap.inbox(), new UidRange(2, 3)))).containsExactly(2L, 3L);
    }
  }

  @Test
  void aTextPartWithInvalidBase64HasAProblemNamingThePart() throws IOException {
    // GreenMail refuses to serve such a message (it decodes the part itself and fails), so a script does
    String raw = "From: a@example.test\r\nTo: b@example.test\r\nSubject: bad base64\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + "SGVsbG8sIHdvcmxk*!IQ\r\nSGk\r\n";
    try (FetchScriptedImapServer server = new FetchScriptedImapServer(1).message(1, raw); Mailbox imap = connect(server)) {
      Message m = imap.fetch(imap.inbox(), new Uid.Imap(7, 1));
      assertThat(m.text()).hasValueSatisfying(t -> assertThat(t).startsWith("Hello, world!"));
      assertThat(m.problems()).anySatisfy(p -> assertThat(p)
          .contains("part 1 (text/plain)").contains("invalid base64")
          .contains("2 character(s) outside the base64 alphabet").contains("the last group has 1 of 4 characters"));
    }
  }
}
