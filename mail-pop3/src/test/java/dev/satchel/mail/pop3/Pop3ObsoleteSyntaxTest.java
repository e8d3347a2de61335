package dev.satchel.mail.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.SyncStateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The obsolete-syntax corpus of mail-imap's test resources over POP3 on the testkit's server: every
 * message is listed, fetched and handed to the InboxProcessor (the IMAP side is ImapObsoleteSyntaxTest).
 */
class Pop3ObsoleteSyntaxTest {
  private static final Path CORPUS = Path.of("../mail-imap/src/test/resources/obsolete-syntax");

  private Pop3Fixture fixture;
  private final List<String> marks = new ArrayList<>();

  @BeforeEach
  void deliverTheCorpus() throws IOException {
    fixture = new Pop3Fixture();
    try (Stream<Path> files = Files.list(CORPUS)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".eml")).sorted().toList()) {
        String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
        marks.add(raw.substring(raw.indexOf("X-Corpus: ") + 10, raw.indexOf("X-Corpus: ") + 12));
        fixture.server.deliver(fixture.user, raw.getBytes(StandardCharsets.ISO_8859_1));
      }
    }
    assertThat(marks).isNotEmpty();
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void aSummaryCarriesTheProblemsOfItsHeaders() {
    try (Mailbox pop3 = Mailbox.connect(fixture.settings())) {
      List<MessageSummary> list = pop3.list(pop3.inbox());
      // 19-date-not-a-date.eml: "Date: yesterday, around noon"
      assertThat(list).anySatisfy(s -> assertThat(s.problems()).anySatisfy(p -> assertThat(p).contains("Date")
          .contains("yesterday")));
      // a well-formed message has none
      assertThat(list).anySatisfy(s -> assertThat(s.problems()).isEmpty());
    }
  }

  @Test
  void everyMessageIsListedAndFetched() {
    try (Mailbox pop3 = Mailbox.connect(fixture.settings())) {
      List<MessageSummary> list = pop3.list(pop3.inbox());
      assertThat(list).hasSize(marks.size());
      Set<String> fetched = new TreeSet<>();
      for (MessageSummary s : list) {
        pop3.fetch(pop3.inbox(), s.uid()).header("X-Corpus").ifPresent(fetched::add);
      }
      assertThat(fetched).containsExactlyInAnyOrderElementsOf(marks);
    }
  }

  @Test
  void theInboxProcessorHandsOverEveryMessage() {
    List<String> handled = new ArrayList<>();
    InboxProcessor.Report report = InboxProcessor.builder()
        .settings(fixture.settings())
        .stateStore(SyncStateStore.inMemory())
        .handler(m -> handled.add(m.header("X-Corpus").orElse("?")))
        .afterHandling(AfterHandling.leave())
        .build()
        .runOnce();
    assertThat(handled).containsExactlyInAnyOrderElementsOf(marks);
    assertThat(report.found()).isEqualTo(marks.size());
  }
}
