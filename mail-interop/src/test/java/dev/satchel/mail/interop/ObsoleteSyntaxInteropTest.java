package dev.satchel.mail.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.Changes;
import dev.satchel.mail.Folder;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxListener;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.SearchQuery;
import dev.satchel.mail.Security;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.SyncStateStore;
import dev.satchel.mail.Uid;
import dev.satchel.mail.UidRange;
import dev.satchel.mail.Watch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every message of the obsolete-syntax corpus (two-digit years, obsolete zones, no Date, addresses
 * without a domain, source routes, groups, broken encoded words, raw 8-bit headers, ...), stored in
 * Dovecot byte for byte with APPEND, is listed, synced, fetched and processed over IMAP and POP3:
 * none is skipped. Uses its own user, dave, so that it meets no other test's mail.
 */
@Interop
class ObsoleteSyntaxInteropTest {
  private static final String USER = "dave";

  private final Harness harness = Harness.get();
  private final Map<String, byte[]> corpus = ObsoleteSyntaxCorpus.load();
  private final List<Long> appended = new ArrayList<>();

  @BeforeEach
  void storeTheCorpus() {
    harness.reset(USER);
  }

  private void appendAll() {
    try (RawImapAppend client = new RawImapAppend(Harness.HOST, harness.port(Protocol.IMAP, Security.NONE),
        Harness.address(USER), Harness.password(USER))) {
      corpus.values().forEach(raw -> appended.add(client.append("INBOX", raw)));
    }
  }

  private Mailbox connect(Protocol protocol) {
    return Mailbox.connect(harness.settings(USER, protocol, Security.TLS));
  }

  private static List<Long> uids(List<MessageSummary> list) {
    return list.stream().map(s -> ((Uid.Imap) s.uid()).uid()).toList();
  }

  @Test
  void everyListingOverImapHoldsEveryMessage() {
    appendAll();
    try (Mailbox imap = connect(Protocol.IMAP)) {
      Folder inbox = imap.inbox();
      assertThat(uids(imap.list(inbox))).as("list").containsExactlyElementsOf(appended);
      assertThat(uids(imap.list(inbox, new UidRange(appended.get(0), appended.get(appended.size() - 1))))).as("list range").containsExactlyElementsOf(appended);
      assertThat(uids(imap.listNewest(inbox, corpus.size()))).as("listNewest").containsExactlyInAnyOrderElementsOf(appended);
      assertThat(imap.search(inbox, SearchQuery.all())).as("search").hasSize(corpus.size());
      Changes changes = imap.changesSince(inbox, SyncState.initial(inbox.fullName()));
      assertThat(uids(changes.added())).as("changesSince").containsExactlyElementsOf(appended);
      assertThat(changes.state().known()).as("state after changesSince").hasSize(corpus.size());
    }
  }

  @Test
  void everyMessageIsFetchedOverImapAndPop3() {
    appendAll();
    for (Protocol protocol : List.of(Protocol.IMAP, Protocol.POP3)) {
      try (Mailbox box = connect(protocol)) {
        List<MessageSummary> list = box.list(box.inbox());
        assertThat(list).as("%s list", protocol).hasSize(corpus.size());
        Set<String> marks = new TreeSet<>();
        for (MessageSummary s : list) {
          Message m = box.fetch(box.inbox(), s.uid());
          m.header("X-Corpus").ifPresent(marks::add);
        }
        assertThat(marks).as("%s fetched", protocol).containsExactlyInAnyOrderElementsOf(corpus.keySet());
      }
    }
  }

  @Test
  void theInboxProcessorHandsOverEveryMessageOverImapAndPop3() {
    appendAll();
    for (Protocol protocol : List.of(Protocol.IMAP, Protocol.POP3)) {
      List<String> handled = new ArrayList<>();
      List<String> dead = new ArrayList<>();
      InboxProcessor processor = InboxProcessor.builder()
          .settings(harness.settings(USER, protocol, Security.TLS))
          .stateStore(SyncStateStore.inMemory())
          .handler(m -> handled.add(m.header("X-Corpus").orElse("?")))
          .deadLetter((m, n, e) -> dead.add(m.uid().asString()))
          .afterHandling(AfterHandling.leave())
          .build();
      InboxProcessor.Report report = processor.runOnce();
      assertThat(dead).as("%s dead letters", protocol).isEmpty();
      assertThat(handled).as("%s handled", protocol).containsExactlyInAnyOrderElementsOf(corpus.keySet());
      assertThat(report.found()).as("%s found", protocol).isEqualTo(corpus.size());
    }
  }

  @Test
  void aWatchReportsEveryMessage() throws InterruptedException {
    BlockingQueue<Changes> reported = new LinkedBlockingQueue<>();
    try (Mailbox imap = connect(Protocol.IMAP);
        Watch watch = imap.watch(imap.inbox(), new MailboxListener() {
          @Override
          public void onChanges(Folder folder, Changes changes) {
            reported.add(changes);
          }
        })) {
      appendAll();
      Set<Long> seen = new TreeSet<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (seen.size() < appended.size() && System.nanoTime() < deadline) {
        Changes c = reported.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (c != null) {
          seen.addAll(uids(c.added()));
        }
      }
      assertThat(seen).as("added by the watch").containsExactlyInAnyOrderElementsOf(appended);
    }
  }
}
