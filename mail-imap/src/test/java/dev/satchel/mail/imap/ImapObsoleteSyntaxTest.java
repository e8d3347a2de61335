package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.SyncStateStore;
import dev.satchel.mail.Uid;
import dev.satchel.mail.UidRange;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The obsolete-syntax corpus ({@code obsolete-syntax/*.eml}: two-digit years, obsolete zones, no Date,
 * addresses without a domain, source routes, groups, broken encoded words, raw 8-bit headers, ...)
 * on the testkit's server: every message is listed, synced, fetched and processed over IMAP. The same
 * corpus runs against Dovecot in mail-interop and over POP3 in mail-pop3.
 */
class ImapObsoleteSyntaxTest {
  private TestMailServer server;
  private TestUser user;
  private final Map<String, byte[]> corpus = new LinkedHashMap<>();

  @BeforeEach
  void deliverTheCorpus() throws IOException, URISyntaxException {
    server = TestMailServer.start();
    user = server.createUser("dave@example.test", "dave-pw");
    Path dir = Path.of(ImapObsoleteSyntaxTest.class.getResource("/obsolete-syntax").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".eml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          String raw = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
          String mark = raw.substring(raw.indexOf("X-Corpus: ") + 10, raw.indexOf("X-Corpus: ") + 12);
          corpus.put(mark, raw.getBytes(StandardCharsets.ISO_8859_1));
        }
      }
    }
    corpus.values().forEach(raw -> server.deliver(user, raw));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Mailbox imap() {
    return Mailbox.connect(server.settings(user, Protocol.IMAP));
  }

  private static Set<Long> uids(List<MessageSummary> list) {
    Set<Long> out = new TreeSet<>();
    list.forEach(m -> out.add(((Uid.Imap) m.uid()).uid()));
    assertThat(out).as("no message twice").hasSameSizeAs(list);
    return out;
  }

  @Test
  void everyListingHoldsEveryMessage() {
    try (Mailbox imap = imap()) {
      Set<Long> all = uids(imap.list(imap.inbox()));
      assertThat(all).hasSize(corpus.size());
      long first = all.iterator().next();
      assertThat(uids(imap.list(imap.inbox(), UidRange.toEnd(first)))).isEqualTo(all);
      assertThat(uids(imap.listNewest(imap.inbox(), corpus.size()))).isEqualTo(all);
      assertThat(uids(imap.changesSince(imap.inbox(), SyncState.initial("INBOX")).added())).isEqualTo(all);
    }
  }

  @Test
  void everyMessageIsFetched() {
    try (Mailbox imap = imap()) {
      Set<String> marks = new TreeSet<>();
      for (MessageSummary s : imap.list(imap.inbox())) {
        Message m = imap.fetch(imap.inbox(), s.uid());
        m.header("X-Corpus").ifPresent(marks::add);
      }
      assertThat(marks).containsExactlyInAnyOrderElementsOf(corpus.keySet());
    }
  }

  @Test
  void theInboxProcessorHandsOverEveryMessage() {
    List<String> handled = new ArrayList<>();
    List<String> dead = new ArrayList<>();
    InboxProcessor.Report report = InboxProcessor.builder()
        .settings(server.settings(user, Protocol.IMAP))
        .stateStore(SyncStateStore.inMemory())
        .handler(m -> handled.add(m.header("X-Corpus").orElse("?")))
        .deadLetter((m, n, e) -> dead.add(m.uid().asString()))
        .afterHandling(AfterHandling.leave())
        .build()
        .runOnce();
    assertThat(dead).isEmpty();
    assertThat(handled).containsExactlyInAnyOrderElementsOf(corpus.keySet());
    assertThat(report.found()).isEqualTo(corpus.size());
  }
}
