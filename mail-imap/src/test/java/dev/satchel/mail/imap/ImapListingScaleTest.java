package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.store.MailFolder;
import dev.satchel.mail.Folder;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Uid;
import jakarta.mail.Flags;
import jakarta.mail.internet.MimeMessage;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Listing is one batched UID FETCH per chunk: the number of commands the server receives depends on
 * the chunk count only, never on the message count. Commands are counted by a proxy.
 *
 * <p>GreenMail spends time proportional to the folder size on every FETCH, so the 10,000-message
 * folder is listed with few, large chunks; chunking itself is shown on a 2,000-message folder.
 */
class ImapListingScaleTest {
  static GreenMailImap server;
  static GreenMailImap.User user;

  @BeforeAll
  static void seed() {
    server = new GreenMailImap();
    user = server.newUser();
    seed(server.folder(user, "INBOX"), 10_000);
    seed(server.folder(user, "Small"), 2_000);
  }

  private static void seed(MailFolder folder, int count) {
    MimeMessage template = GreenMailImap.message("bulk", "same body");
    Date now = new Date();
    for (int i = 0; i < count; i++) {
      folder.appendMessage(template, new Flags(), now);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private record Listed(List<MessageSummary> messages, int uidFetches, int searches, int plainFetches) {}

  private Listed list(String folder, int batch) throws Exception {
    try (ImapProxy proxy = new ImapProxy(server.port(), Set.of());
        Mailbox m = Mailbox.connect(GreenMailImap.settings(user, proxy.port()),
            MailboxOptions.builder().listBatchSize(batch).build())) {
      Folder f = Folder.named(folder);
      m.status(f);
      proxy.resetCounts();
      List<MessageSummary> all = m.list(f);
      return new Listed(all, proxy.count("UID FETCH"), proxy.count("UID SEARCH"), proxy.count("FETCH"));
    }
  }

  private static long uid(MessageSummary s) {
    return ((Uid.Imap) s.uid()).uid();
  }

  @Test
  void tenThousandMessagesTakeAsManyFetchesAsTwoThousandWithTheSameChunkCount() throws Exception {
    Listed big = list("INBOX", 10_000);
    Listed small = list("Small", 10_000);
    assertThat(big.messages()).hasSize(10_000);
    assertThat(small.messages()).hasSize(2_000);
    // a whole folder is fetched by sequence ranges, without a UID SEARCH first
    assertThat(big.plainFetches()).isEqualTo(1).isEqualTo(small.plainFetches());
    assertThat(big.searches()).isZero();
    assertThat(big.uidFetches()).isZero();
    assertThat(big.messages()).extracting(ImapListingScaleTest::uid).isSorted().doesNotHaveDuplicates();
    assertThat(big.messages()).allSatisfy(s -> assertThat(s.envelope().subject()).isEqualTo("bulk"));
  }

  @Test
  void theFetchCountIsTheChunkCount() throws Exception {
    Listed chunked = list("Small", 500);
    assertThat(chunked.messages()).hasSize(2_000);
    assertThat(chunked.plainFetches()).isEqualTo(4);
    assertThat(chunked.searches()).isZero();
    assertThat(chunked.messages()).extracting(ImapListingScaleTest::uid).isSorted().doesNotHaveDuplicates();
    Listed odd = list("Small", 600);
    assertThat(odd.plainFetches()).isEqualTo(4); // 600 + 600 + 600 + 200
  }

  @Test
  void aUidRangeIsSearchedThenFetchedByUidInChunks() throws Exception {
    try (ImapProxy proxy = new ImapProxy(server.port(), Set.of());
        Mailbox m = Mailbox.connect(GreenMailImap.settings(user, proxy.port()),
            MailboxOptions.builder().listBatchSize(500).build())) {
      Folder f = Folder.named("Small");
      List<MessageSummary> all = m.list(f);
      proxy.resetCounts();
      long from = uid(all.get(100));
      List<MessageSummary> part = m.list(f, dev.satchel.mail.UidRange.toEnd(from));
      assertThat(part).extracting(ImapListingScaleTest::uid).isEqualTo(all.subList(100, all.size()).stream()
          .map(ImapListingScaleTest::uid).toList());
      assertThat(proxy.count("UID SEARCH")).isEqualTo(1);
      assertThat(proxy.count("UID FETCH")).isEqualTo(4); // 500 + 500 + 500 + 400
    }
  }

  @Test
  void listNewestFetchesOnlyWhatItNeeds() throws Exception {
    try (ImapProxy proxy = new ImapProxy(server.port(), Set.of());
        Mailbox m = Mailbox.connect(GreenMailImap.settings(user, proxy.port()),
            MailboxOptions.builder().listBatchSize(500).build())) {
      Folder small = Folder.named("Small");
      m.status(small);
      proxy.resetCounts();
      List<MessageSummary> newest = m.listNewest(small, 20);
      assertThat(newest).hasSize(20);
      assertThat(newest).extracting(ImapListingScaleTest::uid).isSortedAccordingTo((a, b) -> Long.compare(b, a));
      assertThat(proxy.count("FETCH")).isEqualTo(1);
      assertThat(proxy.count("UID SEARCH")).isZero();
      proxy.resetCounts();
      assertThat(m.listNewest(small, 1200)).hasSize(1200);
      assertThat(proxy.count("FETCH")).isEqualTo(3);
    }
  }
}
