package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Dead letters the application can act on: the {@link DeadLetter} carries the whole message (readable
 * while the run's mailbox is open) and opens its raw bytes; {@link AfterDeadLetter#moveTo} quarantines
 * it over IMAP, recorded so that it is never handed over again, and a refused move is redone.
 */
class InboxProcessorDeadLetterTest {
  private final FakeMailbox account = new FakeMailbox().deliver("good").deliver("bad").deliver("good too");
  private final SyncStateStore store = SyncStateStore.inMemory();
  private final List<String> handled = new ArrayList<>();
  private final List<String> attempts = new ArrayList<>();

  private InboxProcessor.Builder processor() {
    return InboxProcessor.builder().mailboxes(account::open).stateStore(store).afterHandling(AfterHandling.leave())
        .maxFailures(2)
        .handler(m -> {
          attempts.add(m.subject());
          if (m.subject().equals("bad")) {
            throw new IllegalStateException("cannot import " + m.subject());
          }
          handled.add(m.subject());
        });
  }

  /** What a dead-letter handler read while it ran. */
  private record Seen(DeadLetter letter, String text, String attachment, String raw) {}

  private static Seen read(DeadLetter letter) throws Exception {
    Message m = letter.message().orElseThrow();
    try (InputStream raw = letter.raw().open()) {
      return new Seen(letter, m.text().orElseThrow(), new String(m.attachments().get(0).bytes(), StandardCharsets.UTF_8),
          new String(raw.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void theDeadLetterHandlerReceivesTheWholeMessageWhileTheMailboxIsOpen() {
    List<Seen> letters = new ArrayList<>();
    InboxProcessor p = processor().deadLetter(letter -> letters.add(read(letter))).build();

    InboxProcessor.Report first = p.runOnce();
    assertThat(first.failed()).isEqualTo(1);
    assertThat(first.deadLettered()).isZero();
    assertThat(letters).isEmpty();

    InboxProcessor.Report second = p.runOnce();
    assertThat(second.deadLettered()).isEqualTo(1);
    assertThat(letters).singleElement().satisfies(seen -> {
      assertThat(seen.letter().summary().envelope().subject()).isEqualTo("bad");
      assertThat(seen.letter().failures()).isEqualTo(2);
      assertThat(seen.letter().lastFailure()).isInstanceOf(IllegalStateException.class).hasMessage("cannot import bad");
      assertThat(seen.text()).isEqualTo("body of bad");
      assertThat(seen.attachment()).isEqualTo("attachment of bad");
      assertThat(seen.raw()).startsWith("Subject: bad\r\n");
      assertThat(seen.letter().toString()).contains("failures=2").contains("downloaded=true")
          .doesNotContain("body of bad");
    });

    // Recorded as dead: never handed over again, to the handler or to the dead-letter handler.
    assertThat(p.runOnce().found()).isZero();
    assertThat(attempts).containsExactly("good", "bad", "good too", "bad");
    assertThat(handled).containsExactly("good", "good too");
    assertThat(letters).hasSize(1);
    assertThat(account.subjects("INBOX")).as("left where it was by default").contains("bad");
  }

  @Test
  void afterTheHandlerReturnedTheLettersAttachmentsSayTheMailboxWasClosed() {
    List<DeadLetter> letters = new ArrayList<>();
    processor().maxFailures(1).deadLetter((DeadLetter letter) -> letters.add(letter)).build().runOnce();

    Message kept = letters.get(0).message().orElseThrow();
    assertThat(kept.text()).contains("body of bad");
    assertThatThrownBy(() -> kept.attachments().get(0).bytes()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aMessageThatCannotBeDownloadedIsDeadLetteredWithoutItsMessageButWithItsRawBytes() {
    account.undownloadable.add("bad");
    List<Seen> letters = new ArrayList<>();
    InboxProcessor p = processor().maxFailures(1)
        .deadLetter((DeadLetter letter) -> {
          try (InputStream raw = letter.raw().open()) {
            letters.add(new Seen(letter, "", "", new String(raw.readAllBytes(), StandardCharsets.UTF_8)));
          }
        })
        .build();
    assertThat(p.runOnce().deadLettered()).isEqualTo(1);
    assertThat(attempts).as("the handler never saw it").doesNotContain("bad");
    assertThat(letters).singleElement().satisfies(seen -> {
      assertThat(seen.letter().message()).isEmpty();
      assertThat(seen.letter().lastFailure()).isInstanceOf(MailCommandException.class);
      assertThat(seen.letter().summary().envelope().subject()).isEqualTo("bad");
      assertThat(seen.raw()).contains("body of bad");
      assertThat(seen.letter().toString()).contains("downloaded=false");
    });
  }

  @Test
  void theSummaryOnlyHandlerKeepsWorking() {
    List<String> summaries = new ArrayList<>();
    InboxProcessor p = processor().maxFailures(1)
        .deadLetter((summary, failures, error) -> summaries.add(summary.envelope().subject() + "/" + failures + "/"
            + error.getMessage()))
        .build();
    p.runOnce();
    assertThat(summaries).containsExactly("bad/1/cannot import bad");
  }

  @Test
  void aThrowingDeadLetterHandlerLeavesTheMessageForLater() {
    List<Integer> calls = new ArrayList<>();
    InboxProcessor p = processor().maxFailures(1)
        .deadLetter((DeadLetter letter) -> {
          calls.add(letter.failures());
          if (calls.size() == 1) {
            throw new IllegalStateException("alerting is down");
          }
        })
        .build();
    assertThat(p.runOnce().deadLettered()).isZero();
    assertThat(p.runOnce().deadLettered()).isEqualTo(1);
    assertThat(calls).containsExactly(1, 2);
    assertThat(p.runOnce().found()).isZero();
  }

  @Test
  void quarantineMovesTheDeadLetteredMessageToAFolderItCreates() {
    InboxProcessor p = processor().maxFailures(1)
        .afterDeadLetter(AfterDeadLetter.moveTo("Quarantine", AfterHandling.IfMissing.CREATE)).build();
    InboxProcessor.Report report = p.runOnce();
    assertThat(report.deadLettered()).isEqualTo(1);
    assertThat(account.subjects("Quarantine")).containsExactly("bad");
    assertThat(account.subjects("INBOX")).containsExactly("good", "good too");

    account.deliver("three");
    assertThat(p.runOnce().handled()).isEqualTo(1);
    assertThat(attempts).containsExactly("good", "bad", "good too", "three");
    assertThat(account.subjects("Quarantine")).containsExactly("bad");
  }

  @Test
  void aRefusedQuarantineMoveIsRedoneOnTheNextRunWithoutHandingTheMessageOverAgain() {
    List<String> letters = new ArrayList<>();
    account.refuseMoves = 1;
    InboxProcessor p = processor().maxFailures(1).afterDeadLetter(AfterDeadLetter.moveTo("Quarantine", AfterHandling.IfMissing.CREATE))
        .deadLetter((DeadLetter letter) -> letters.add(letter.summary().envelope().subject()))
        .build();
    assertThat(p.runOnce().deadLettered()).isEqualTo(1);
    assertThat(account.subjects("INBOX")).as("the move was refused").contains("bad");

    assertThat(p.runOnce().found()).isZero();
    assertThat(account.subjects("Quarantine")).containsExactly("bad");
    assertThat(account.subjects("INBOX")).containsExactly("good", "good too");
    assertThat(attempts).containsExactly("good", "bad", "good too");
    assertThat(letters).containsExactly("bad");
  }

  @Test
  void aMissingQuarantineFolderFailsTheRunBeforeAnythingIsHandedOver() {
    InboxProcessor p = processor().afterDeadLetter(AfterDeadLetter.moveTo("Quarantine")).build();
    assertThatThrownBy(p::runOnce).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("AfterDeadLetter.moveTo(\"Quarantine\") cannot work")
        .hasMessageContaining("\"Quarantine\" does not exist")
        .hasMessageContaining("AfterDeadLetter.moveTo(\"Quarantine\", AfterHandling.IfMissing.CREATE)");
    assertThat(attempts).isEmpty();
    assertThat(store.load("inbox-processor/INBOX")).isEmpty();
  }

  @Test
  void quarantineNeedsMoveAndFolders() {
    account.capabilities.remove(Capability.MOVE);
    InboxProcessor p = processor().afterDeadLetter(AfterDeadLetter.moveTo("Quarantine")).build();
    assertThatThrownBy(p::runOnce).isInstanceOfSatisfying(UnsupportedCapabilityException.class,
            e -> assertThat(e.capability()).isEqualTo(Capability.MOVE))
        .hasMessageContaining("AfterDeadLetter.moveTo(\"Quarantine\")")
        .hasMessageContaining("AfterDeadLetter.leave()");
    assertThat(attempts).isEmpty();
  }

  @Test
  void quarantineIsRefusedWhenBuiltForPop3() {
    MailSettings pop3 = MailSettings.builder().server(Protocol.POP3, "127.0.0.1", 1110, Security.NONE)
        .password("alice@example.test", "pw").build();
    assertThatThrownBy(() -> InboxProcessor.builder().settings(pop3).stateStore(store).handler(m -> { })
            .afterHandling(AfterHandling.delete())
            .afterDeadLetter(AfterDeadLetter.moveTo("Quarantine", AfterHandling.IfMissing.CREATE)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("afterDeadLetter(AfterDeadLetter.moveTo(\"Quarantine\", IfMissing.CREATE)) is impossible over POP3")
        .hasMessageContaining("POP3 has no folders")
        .hasMessageContaining("AfterDeadLetter.leave()");
    assertThat(InboxProcessor.builder().settings(pop3).stateStore(store).handler(m -> { })
        .afterHandling(AfterHandling.delete()).afterDeadLetter(AfterDeadLetter.leave()).build()).isNotNull();
  }

  @Test
  void deadLetterValuesAreChecked() {
    MessageSummary summary = new FakeMailbox.Stored(1, "s", "b").summary();
    assertThatThrownBy(() -> new DeadLetter(summary, 0, new IllegalStateException(), java.util.Optional.empty(),
        () -> InputStream.nullInputStream())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    assertThat(AfterDeadLetter.moveTo("Quarantine")).isEqualTo(new AfterDeadLetter.MoveTo("Quarantine",
        AfterHandling.IfMissing.FAIL)).hasToString("moveTo(\"Quarantine\")");
    assertThat(AfterDeadLetter.leave()).hasToString("leave()");
    assertThatThrownBy(() -> AfterDeadLetter.moveTo("")).isInstanceOf(IllegalArgumentException.class);
  }
}
