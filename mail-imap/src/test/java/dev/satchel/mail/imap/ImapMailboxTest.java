package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.Capability;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.FolderStatus;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Quota;
import dev.satchel.mail.SearchQuery;
import dev.satchel.mail.SpecialFolder;
import dev.satchel.mail.SpecialUse;
import dev.satchel.mail.Uid;
import dev.satchel.mail.UidRange;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ImapMailboxTest {
  static GreenMailImap server;

  @BeforeAll
  static void start() {
    server = new GreenMailImap();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void connectsThroughTheServiceLoader() {
    GreenMailImap.User u = server.newUser();
    try (Mailbox m = Mailbox.connect(server.settings(u))) {
      assertThat(m).isInstanceOf(ImapMailbox.class);
      assertThat(m.inbox().fullName()).isEqualTo("INBOX");
    }
  }

  @Test
  void capabilitiesMatchWhatGreenMailAdvertises() {
    GreenMailImap.User u = server.newUser();
    try (ImapMailbox m = (ImapMailbox) Mailbox.connect(server.settings(u))) {
      Set<Capability> expected = java.util.EnumSet.of(Capability.FOLDERS, Capability.SERVER_FLAGS, Capability.COPY,
          Capability.DELETE, Capability.APPEND, Capability.SERVER_SEARCH, Capability.HEADERS_ONLY, Capability.UNIQUE_IDS);
      if (m.has("MOVE") || m.has("UIDPLUS")) {
        expected.add(Capability.MOVE);
      }
      if (m.has("IDLE")) {
        expected.add(Capability.PUSH);
      }
      if (m.has("QUOTA")) {
        expected.add(Capability.QUOTA);
      }
      if (m.has("CONDSTORE") || m.has("QRESYNC")) {
        expected.add(Capability.CHANGES_SINCE);
      }
      if (m.has("SPECIAL-USE")) {
        expected.add(Capability.SPECIAL_USE);
      }
      expected.add(Capability.KEYWORDS); // GreenMail's PERMANENTFLAGS include \*
      assertThat(m.capabilities()).isEqualTo(expected);
      // GreenMail advertises these; the derived set must follow them
      assertThat(m.capabilities()).contains(Capability.MOVE, Capability.PUSH, Capability.QUOTA);
    }
  }

  @Test
  void listsDeliveredMessagesWithEnvelopeFlagsSizeAndDate() {
    GreenMailImap.User u = server.newUser();
    server.deliver(u, "INBOX", "first", "one");
    server.deliver(u, "INBOX", "Grüße =?", "two");
    try (Mailbox m = Mailbox.connect(server.settings(u))) {
      List<MessageSummary> all = m.list(m.inbox());
      assertThat(all).extracting(s -> s.envelope().subject()).containsExactly("first", "Grüße =?");
      MessageSummary first = all.get(0);
      assertThat(first.envelope().from()).extracting(a -> a.address()).containsExactly("bob@example.test");
      assertThat(first.envelope().from().get(0).displayName()).contains("Bob");
      assertThat(first.size()).isPositive();
      assertThat(first.internalDate()).isPresent();
      assertThat(first.flags()).doesNotContain(Flag.SEEN);
      long uid1 = ((Uid.Imap) all.get(0).uid()).uid();
      long uid2 = ((Uid.Imap) all.get(1).uid()).uid();
      assertThat(m.list(m.inbox(), new UidRange(uid2, uid2))).extracting(MessageSummary::uid).containsExactly(all.get(1).uid());
      assertThat(m.list(m.inbox(), UidRange.toEnd(uid2 + 1))).isEmpty();
      assertThat(m.listNewest(m.inbox(), 1)).extracting(MessageSummary::uid).containsExactly(all.get(1).uid());
      assertThat(m.listNewest(m.inbox(), 5)).extracting(s -> ((Uid.Imap) s.uid()).uid()).containsExactly(uid2, uid1);
      assertThat(m.listNewest(m.inbox(), 0)).isEmpty();
      assertThatThrownBy(() -> m.listNewest(m.inbox(), -1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }
  }

  @Test
  void fetchReturnsTextHtmlAndAttachmentsAndLeavesSeenUntouched() throws Exception {
    GreenMailImap.User u = server.newUser();
    byte[] pdf = new byte[300_000];
    new java.util.Random(1).nextBytes(pdf);
    try (Mailbox m = Mailbox.connect(server.settings(u))) {
      OutgoingMessage msg = OutgoingMessage.builder().from("Carol <carol@example.test>").to(u.address())
          .subject("Report ✓").text("plain body ✓\nsecond line").html("<p>html body ✓</p>")
          .attach(Attachment.of("report.pdf", "application/pdf", pdf)).build();
      Uid uid = m.append(m.inbox(), msg, Set.of()).orElseThrow();
      Message full = m.fetch(m.inbox(), uid);
      assertThat(full.subject()).isEqualTo("Report ✓");
      assertThat(full.text()).hasValueSatisfying(t -> assertThat(t.strip()).isEqualTo("plain body ✓\nsecond line"));
      assertThat(full.text().orElseThrow()).as("line breaks as \\n, as Message promises").doesNotContain("\r");
      assertThat(full.html()).hasValueSatisfying(t -> assertThat(t).contains("<p>html body ✓</p>"));
      assertThat(full.attachments()).hasSize(1);
      assertThat(full.attachments().get(0).filename()).contains("report.pdf");
      assertThat(full.attachments().get(0).mediaType()).isEqualTo("application/pdf");
      assertThat(full.attachments().get(0).bytes()).isEqualTo(pdf);
      assertThat(full.header("Subject")).contains("Report ✓");
      try (InputStream raw = m.openRaw(m.inbox(), uid)) {
        assertThat(new String(raw.readAllBytes(), StandardCharsets.US_ASCII)).contains("Subject:");
      }
      // nothing above set \Seen, as seen by this and by an independent connection
      assertThat(m.list(m.inbox()).get(0).isSeen()).isFalse();
      try (Mailbox other = Mailbox.connect(server.settings(u))) {
        assertThat(other.list(other.inbox()).get(0).isSeen()).isFalse();
      }
    }
  }

  @Test
  void aPartOrRawStreamReadAfterCloseSaysSoInItsOwnMessage() throws Exception {
    GreenMailImap.User u = server.newUser();
    byte[] data = "attachment bytes".getBytes(StandardCharsets.US_ASCII);
    Message full;
    InputStream openedBeforeClose;
    InputStream raw;
    try (Mailbox m = Mailbox.connect(server.settings(u))) {
      Uid uid = m.append(m.inbox(), OutgoingMessage.builder().from("carol@example.test").to(u.address()).subject("late")
          .text("body").attach(Attachment.of("data.bin", "application/octet-stream", data)).build(), Set.of()).orElseThrow();
      full = m.fetch(m.inbox(), uid);
      openedBeforeClose = full.attachments().get(0).open();
      raw = m.openRaw(m.inbox(), uid);
    }
    String part = "the mailbox was closed before this part was read; read attachments before close()";
    assertThat(full.text()).hasValueSatisfying(t -> assertThat(t).contains("body")); // read at fetch: still there
    assertThatThrownBy(() -> full.attachments().get(0).bytes()).isInstanceOf(IllegalStateException.class).hasMessage(part);
    assertThatThrownBy(() -> full.attachments().get(0).open().read()).isInstanceOf(IllegalStateException.class)
        .hasMessage(part);
    assertThatThrownBy(openedBeforeClose::read).isInstanceOf(IllegalStateException.class).hasMessage(part);
    assertThatThrownBy(raw::read).isInstanceOf(IllegalStateException.class)
        .hasMessage("the mailbox was closed before this message was read; read the stream from openRaw before close()");
  }

  @Test
  void flowedTextComesUnwrapped() {
    GreenMailImap.User u = server.newUser();
    String raw = "From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: flowed\r\n"
        + "Content-Type: text/plain; charset=UTF-8; format=flowed; delsp=yes\r\n\r\n"
        + "A paragraph wrapped by the \r\nsender's client, with a Gro\u00df \r\nartig split word.\r\n"
        + "> quoted and \r\n> wrapped\r\n";
    long uid = server.folder(u, "INBOX").appendMessage(GreenMailImap.parse(raw.getBytes(StandardCharsets.UTF_8)),
        new jakarta.mail.Flags(), new java.util.Date());
    try (Mailbox m = Mailbox.connect(server.settings(u))) {
      long validity = ((Uid.Imap) m.list(m.inbox()).get(0).uid()).uidValidity();
      // DelSp=yes: the space before each soft break was added by the writer and goes
      assertThat(m.fetch(m.inbox(), new Uid.Imap(validity, uid)).text()).hasValueSatisfying(t -> assertThat(t.strip())
          .isEqualTo("A paragraph wrapped by thesender's client, with a Gro\u00dfartig split word.\n> quoted andwrapped"));
    }
  }

  @Test
  void aServerThatIgnoresPartialRangesStillYieldsTheWholeAttachmentOnce() throws Exception {
    GreenMailImap.User u = server.newUser();
    byte[] data = new byte[200_000];
    new java.util.Random(7).nextBytes(data);
    try (ImapProxy proxy = new ImapProxy(server.port(), Set.of());
        Mailbox m = Mailbox.connect(GreenMailImap.settings(u, proxy.port()),
            dev.satchel.mail.MailboxOptions.builder().partialFetchSize(16 * 1024).build())) {
      Uid uid = m.append(m.inbox(), OutgoingMessage.builder().from("x@example.test").to(u.address()).subject("s")
          .text("t").attach(Attachment.of("d.bin", "application/octet-stream", data)).build(), Set.of()).orElseThrow();
      Message msg = m.fetch(m.inbox(), uid);
      proxy.ignorePartialRanges(true);
      proxy.resetCounts();
      assertThat(msg.attachments().get(0).bytes()).isEqualTo(data);
      // one window and the one sent ahead, no more
      assertThat(proxy.count("UID FETCH")).isBetween(1, 2 * ImapMailbox.FETCH_WINDOW);
      proxy.ignorePartialRanges(false);
      proxy.resetCounts();
      assertThat(msg.attachments().get(0).bytes()).isEqualTo(data);
      assertThat(proxy.count("UID FETCH")).isGreaterThan(10); // 16 KiB chunks of ~270 KB of base64
    }
  }

  @Test
  void fetchOfMissingUidIsACommandError() {
    GreenMailImap.User u = server.newUser();
    server.deliver(u, "INBOX", "x", "y");
    try (Mailbox m = Mailbox.connect(server.settings(u))) {
      Uid.Imap real = (Uid.Imap) m.list(m.inbox()).get(0).uid();
      assertThatThrownBy(() -> m.fetch(m.inbox(), new Uid.Imap(real.uidValidity(), real.uid() + 100)))
          .isInstanceOf(MailCommandException.class);
      assertThatThrownBy(() -> m.fetch(m.inbox(), new Uid.Imap(real.uidValidity() + 1, real.uid())))
          .isInstanceOf(MailCommandException.class).hasMessageContaining("UIDVALIDITY");
      assertThatThrownBy(() -> m.fetch(m.inbox(), new Uid.Pop3("abc"))).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void changesAreVisibleThroughASecondConnection() {
    GreenMailImap.User u = server.newUser();
    server.deliver(u, "INBOX", "a", "1");
    server.deliver(u, "INBOX", "b", "2");
    server.deliver(u, "INBOX", "c", "3");
    try (Mailbox one = Mailbox.connect(server.settings(u)); Mailbox two = Mailbox.connect(server.settings(u))) {
      Folder archive = one.createFolder("Archive");
      List<MessageSummary> list = one.list(one.inbox());
      Uid a = list.get(0).uid();
      Uid b = list.get(1).uid();
      Uid c = list.get(2).uid();
      one.addFlags(one.inbox(), List.of(a), Set.of(Flag.SEEN, Flag.FLAGGED));
      one.addKeywords(one.inbox(), List.of(a), Set.of("$Important"));
      List<Uid> moved = one.move(one.inbox(), List.of(b), archive);
      one.delete(one.inbox(), List.of(c));
      Uid appended = one.append(archive, OutgoingMessage.builder().from("x@example.test").to(u.address())
          .subject("appended").text("hi").build(), Set.of(Flag.SEEN)).orElseThrow();

      List<MessageSummary> inbox = two.list(two.inbox());
      assertThat(inbox).extracting(MessageSummary::uid).containsExactly(a);
      assertThat(inbox.get(0).flags()).contains(Flag.SEEN, Flag.FLAGGED);
      assertThat(inbox.get(0).keywords()).contains("$Important");
      List<MessageSummary> inArchive = two.list(two.folder("Archive").orElseThrow());
      assertThat(inArchive).extracting(s -> s.envelope().subject()).containsExactly("b", "appended");
      assertThat(inArchive).extracting(MessageSummary::uid).contains(appended);
      assertThat(moved).hasSize(1).allSatisfy(x -> assertThat(inArchive.get(0).uid()).isEqualTo(x));
      assertThat(inArchive.get(1).isSeen()).isTrue();

      one.removeFlags(one.inbox(), List.of(a), Set.of(Flag.SEEN));
      one.removeKeywords(one.inbox(), List.of(a), Set.of("$Important"));
      MessageSummary after = two.list(two.inbox()).get(0);
      assertThat(after.isSeen()).isFalse();
      assertThat(after.keywords()).doesNotContain("$Important");
      List<Uid> copies = one.copy(one.inbox(), List.of(a), archive);
      assertThat(two.list(archive)).hasSize(3);
      assertThat(copies).hasSize(1);
    }
  }

  @Test
  void searchRunsOnTheServer() {
    GreenMailImap.User u = server.newUser();
    server.deliver(u, "INBOX", "invoice 42", "pay now");
    server.deliver(u, "INBOX", "hello", "just saying hi");
    server.deliver(u, "INBOX", "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=", "aus Köln");
    try (Mailbox m = Mailbox.connect(server.settings(u))) {
      List<MessageSummary> all = m.list(m.inbox());
      m.addFlags(m.inbox(), List.of(all.get(1).uid()), Set.of(Flag.FLAGGED));
      assertThat(m.search(m.inbox(), SearchQuery.subject("invoice"))).containsExactly(all.get(0).uid());
      assertThat(m.search(m.inbox(), SearchQuery.subject("Grüße"))).containsExactly(all.get(2).uid());
      assertThat(m.search(m.inbox(), SearchQuery.flagged())).containsExactly(all.get(1).uid());
      assertThat(m.search(m.inbox(), SearchQuery.and(SearchQuery.unseen(), SearchQuery.not(SearchQuery.flagged()))))
          .containsExactly(all.get(0).uid(), all.get(2).uid());
      assertThat(m.search(m.inbox(), SearchQuery.or(SearchQuery.subject("hello"), SearchQuery.subject("invoice"))))
          .hasSize(2);
      assertThat(m.search(m.inbox(), SearchQuery.since(LocalDate.now().minusDays(1)))).hasSize(3);
      assertThat(m.search(m.inbox(), SearchQuery.larger(10_000_000))).isEmpty();
      assertThat(m.search(m.inbox(), SearchQuery.all())).hasSize(3);
    }
  }

  @Test
  void foldersCanBeCreatedRenamedSubscribedAndDeleted() {
    GreenMailImap.User u = server.newUser();
    try (Mailbox m = Mailbox.connect(server.settings(u))) {
      Folder projects = m.createFolder("Projects");
      assertThat(m.folders()).extracting(Folder::fullName).contains("INBOX", "Projects");
      server.deliver(u, "Projects", "p", "q");
      FolderStatus status = m.status(projects);
      assertThat(status.messages()).isEqualTo(1);
      assertThat(status.unseen()).hasValue(1);
      assertThat(status.uidValidity()).isPresent();
      assertThat(status.uidNext()).isPresent();
      m.setSubscribed(projects, true);
      assertThat(m.subscribedFolders()).extracting(Folder::fullName).contains("Projects");
      m.setSubscribed(projects, false);
      assertThat(m.subscribedFolders()).extracting(Folder::fullName).doesNotContain("Projects");
      Folder renamed = m.renameFolder(projects, "Done");
      assertThat(renamed.fullName()).isEqualTo("Done");
      assertThat(m.folder("Projects")).isEmpty();
      assertThat(m.list(renamed)).hasSize(1);
      m.deleteFolder(renamed);
      assertThat(m.folder("Done")).isEmpty();
    }
  }

  @Test
  void specialFoldersFallBackOnNamesAndSayso() {
    GreenMailImap.User u = server.newUser();
    try (Mailbox m = Mailbox.connect(server.settings(u))) {
      m.createFolder("Gesendet");
      m.createFolder("Papierkorb");
      m.createFolder("Spam");
      assertThat(m.supports(Capability.SPECIAL_USE)).isFalse();
      assertThat(m.specialFolder(SpecialUse.SENT)).map(Folder::fullName).contains("Gesendet");
      assertThat(m.specialFolder(SpecialUse.TRASH)).map(Folder::fullName).contains("Papierkorb");
      assertThat(m.specialFolder(SpecialUse.JUNK)).map(Folder::fullName).contains("Spam");
      assertThat(m.specialFolder(SpecialUse.DRAFTS)).isEmpty();
      assertThat(m.specialFolders()).allSatisfy(s -> assertThat(s.source()).isEqualTo(SpecialFolder.Source.NAME));
      assertThat(m.folders()).filteredOn(f -> f.fullName().equals("Gesendet"))
          .singleElement().satisfies(f -> assertThat(f.specialUse()).contains(SpecialUse.SENT));
    }
  }

  @Test
  void quotaReportsUsageAndLimit() {
    GreenMailImap.User u = server.newUser();
    server.deliver(u, "INBOX", "q", "x".repeat(5000));
    try (Mailbox m = Mailbox.connect(server.settings(u))) {
      List<Quota> q = m.quota();
      assertThat(q).isNotNull();
    }
  }

  @Test
  void oauth2AsksTheTokenSourceOnEveryConnectAndRefreshesOnceAfterARefusal() {
    GreenMailImap.User u = server.newUser();
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger forced = new java.util.concurrent.atomic.AtomicInteger();
    // GreenMail checks an XOAUTH2 token like a password: a stale token is refused, a fresh one works
    dev.satchel.mail.MailSettings settings = server.settings(u).toBuilder()
        .credentials(dev.satchel.mail.Credentials.oauth2(u.address(), force -> {
          asked.incrementAndGet();
          if (force) {
            forced.incrementAndGet();
          }
          return force ? u.password() : "stale-token";
        }))
        .build();
    try (Mailbox m = Mailbox.connect(settings)) {
      assertThat(m.list(m.inbox())).isEmpty();
    }
    try (Mailbox m = Mailbox.connect(settings)) {
      assertThat(m.inbox().fullName()).isEqualTo("INBOX");
    }
    assertThat(asked.get()).isEqualTo(4);
    assertThat(forced.get()).isEqualTo(2);
  }

  @Test
  void closeIsIdempotentAndNeverExpunges() {
    GreenMailImap.User u = server.newUser();
    server.deliver(u, "INBOX", "keep", "me");
    Mailbox m = Mailbox.connect(server.settings(u));
    Uid uid = m.list(m.inbox()).get(0).uid();
    m.addFlags(m.inbox(), List.of(uid), Set.of(Flag.DELETED));
    m.close();
    m.close();
    try (Mailbox again = Mailbox.connect(server.settings(u))) {
      assertThat(again.list(again.inbox())).extracting(MessageSummary::uid).containsExactly(uid);
    }
    assertThatThrownBy(() -> m.list(m.inbox())).isInstanceOf(IllegalStateException.class);
  }
}
