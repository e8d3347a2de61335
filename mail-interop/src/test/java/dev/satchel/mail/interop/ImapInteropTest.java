package dev.satchel.mail.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Changes;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxListener;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Quota;
import dev.satchel.mail.Security;
import dev.satchel.mail.SendOptions;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.SpecialUse;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.Transport;
import dev.satchel.mail.Uid;
import dev.satchel.mail.Watch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dovecot 2.3's IMAP (CONDSTORE, QRESYNC, SPECIAL-USE, QUOTA, IDLE, MOVE, UIDPLUS) through Satchel's
 * IMAP Mailbox, with mail arriving through Postfix or LMTP.
 */
@Interop
class ImapInteropTest {
  private final Harness harness = Harness.get();

  @BeforeEach
  void emptyMailboxes() {
    harness.reset("alice", "bob");
  }

  private Mailbox imap(String user) {
    return Mailbox.connect(harness.settings(user, Protocol.IMAP, Security.TLS));
  }

  private void seed(String user, String... subjects) {
    for (String s : subjects) {
      Lmtp.deliver(harness.lmtpPort(), Harness.address(user), Mail.raw(user, s));
    }
  }

  /** Takes reported changes off the queue until one adds a message with this subject, or the time is up. */
  private static Map<String, MessageSummary> bySubject(List<MessageSummary> list) {
    return list.stream().collect(java.util.stream.Collectors.toMap(s -> s.envelope().subject(), s -> s));
  }

  @Test
  void everyCapabilityIsOfferedOverEverySecurity() {
    for (Security security : List.of(Security.TLS, Security.STARTTLS, Security.NONE)) {
      try (Mailbox m = Mailbox.connect(harness.settings("bob", Protocol.IMAP, security))) {
        assertThat(m.capabilities()).as("over %s", security).containsExactlyInAnyOrder(Capability.values());
      }
    }
  }

  @Test
  void submittedMessageIsReadOverImapWithTlsAndStartTls() {
    String subject = Mail.uniqueSubject("Over IMAP");
    try (Transport smtp = Transport.connect(harness.submission("alice"))) {
      smtp.send(Mail.message("alice", "bob", subject));
    }
    SubmissionInteropContract.assertReadable(() -> imap("bob"), subject);
    SubmissionInteropContract.assertReadable(() -> Mailbox.connect(harness.settings("bob", Protocol.IMAP, Security.STARTTLS)), subject);
  }

  @Test
  void wrongPasswordIsAnAuthenticationFailure() {
    MailSettings wrong = harness.settings("bob", Protocol.IMAP, Security.TLS).toBuilder()
        .password("bob@example.test", "wrong-pw").build();
    assertThatThrownBy(() -> Mailbox.connect(wrong).close())
        .isInstanceOf(MailAuthenticationException.class).hasMessageNotContaining("wrong-pw");
  }

  @Test
  void flagsMovesAndDeletesAreSeenByAnotherConnection() {
    seed("bob", "Keep", "Archive me", "Delete me");
    try (Mailbox a = imap("bob"); Mailbox b = imap("bob")) {
      Folder inbox = a.inbox();
      Folder archive = a.specialFolder(SpecialUse.ARCHIVE).orElseThrow();
      assertThat(b.list(b.inbox())).hasSize(3); // b has the inbox selected before a changes it
      Map<String, MessageSummary> seeded = bySubject(a.list(inbox));

      a.addFlags(inbox, List.of(seeded.get("Keep").uid()), Set.of(Flag.SEEN, Flag.FLAGGED));
      a.addKeywords(inbox, List.of(seeded.get("Keep").uid()), Set.of("$Interop"));
      List<Uid> moved = a.move(inbox, List.of(seeded.get("Archive me").uid()), archive);
      a.delete(inbox, List.of(seeded.get("Delete me").uid()));

      List<MessageSummary> seen = b.list(b.inbox());
      assertThat(seen).extracting(s -> s.envelope().subject()).containsExactly("Keep");
      assertThat(seen.get(0).uid()).isEqualTo(seeded.get("Keep").uid());
      assertThat(seen.get(0).flags()).contains(Flag.SEEN, Flag.FLAGGED);
      assertThat(seen.get(0).keywords()).contains("$Interop");
      List<MessageSummary> archived = b.list(archive);
      assertThat(archived).extracting(s -> s.envelope().subject()).containsExactly("Archive me");
      assertThat(moved).as("MOVE reports the new UID (COPYUID)").containsExactly(archived.get(0).uid());
      assertThat(b.status(b.inbox()).messages()).isEqualTo(1);
      assertThat(b.status(b.inbox()).unseen()).hasValue(0);

      a.removeFlags(inbox, List.of(seeded.get("Keep").uid()), Set.of(Flag.SEEN));
      assertThat(b.list(b.inbox()).get(0).flags()).contains(Flag.FLAGGED).doesNotContain(Flag.SEEN);
    }
  }

  @Test
  void changesSinceUsesModSeqsAndSeesEveryKindOfChange() {
    seed("bob", "One", "Two");
    SyncState state;
    try (Mailbox a = imap("bob")) {
      Changes first = a.changesSince(a.inbox(), SyncState.initial(Folder.INBOX));
      assertThat(first.added()).extracting(s -> s.envelope().subject()).containsExactly("One", "Two");
      state = first.state();
      assertThat(state.highestModSeq()).as("CONDSTORE HIGHESTMODSEQ is kept").isPresent();
      assertThat(state.uidValidity()).isPresent();
    }
    try (Mailbox b = imap("bob")) {
      Map<String, MessageSummary> m = bySubject(b.list(b.inbox()));
      b.addFlags(b.inbox(), List.of(m.get("One").uid()), Set.of(Flag.ANSWERED));
      b.delete(b.inbox(), List.of(m.get("Two").uid()));
    }
    seed("bob", "Three");
    SyncState saved = SyncState.parse(state.serialize());
    try (Mailbox a = imap("bob")) {
      Changes changes = a.changesSince(a.inbox(), saved);
      assertThat(changes.added()).extracting(s -> s.envelope().subject()).containsExactly("Three");
      assertThat(changes.changed()).extracting(s -> s.envelope().subject()).containsExactly("One");
      assertThat(changes.changed().get(0).flags()).contains(Flag.ANSWERED);
      assertThat(changes.removed()).hasSize(1);
      assertThat(changes.fullResyncNeeded()).isFalse();
      assertThat(changes.state().highestModSeq().getAsLong()).isGreaterThan(state.highestModSeq().getAsLong());
      assertThat(a.changesSince(a.inbox(), changes.state()).isEmpty()).as("nothing changed since").isTrue();
    }
  }

  @Test
  void changesSinceAfterUidValidityChangeAsksForAFullResync() {
    // A folder deleted and created again gets a new UIDVALIDITY (Dovecot keeps them increasing per
    // account); every UID in the old state is void.
    try (Mailbox m = imap("bob")) {
      Folder folder = m.createFolder("Resync");
      m.append(folder, Mail.message("alice", "bob", "Before"), Set.of());
      SyncState state = m.changesSince(folder, SyncState.initial(folder.fullName())).state();
      m.deleteFolder(folder);
      folder = m.createFolder("Resync");
      m.append(folder, Mail.message("alice", "bob", "After"), Set.of());
      Changes changes = m.changesSince(folder, state);
      assertThat(changes.fullResyncNeeded()).isTrue();
      assertThat(changes.removed()).hasSize(1);
      assertThat(changes.added()).extracting(s -> s.envelope().subject()).containsExactly("After");
      assertThat(changes.state().uidValidity()).isNotEqualTo(state.uidValidity());
    }
  }

  @Test
  void specialUseFoldersComeFromDovecot() {
    try (Mailbox m = imap("bob")) {
      Map<SpecialUse, String> expected = Map.of(SpecialUse.SENT, "Sent", SpecialUse.DRAFTS, "Drafts",
          SpecialUse.TRASH, "Trash", SpecialUse.JUNK, "Junk", SpecialUse.ARCHIVE, "Archive");
      expected.forEach((use, name) -> assertThat(m.specialFolder(use)).as("%s", use)
          .hasValueSatisfying(f -> assertThat(f.fullName()).isEqualTo(name)));
      assertThat(m.folders()).filteredOn(f -> f.specialUse().isPresent())
          .extracting(f -> f.specialUse().get()).containsExactlyInAnyOrderElementsOf(expected.keySet());
      assertThat(m.folders()).filteredOn(f -> f.fullName().equals("Sent")).singleElement()
          .satisfies(f -> assertThat(f.attributes()).contains("\\Sent"));
      assertThat(m.specialFolder(SpecialUse.ALL)).isEmpty();
    }
  }

  @Test
  void foldersWithDotsAndNonAsciiNamesRoundTrip() {
    try (Mailbox m = imap("bob")) {
      Folder dotted = m.createFolder("Projects/v1.2");
      Folder accented = m.createFolder("Übersicht ✓");
      assertThat(dotted.separator()).isEqualTo('/');
      assertThat(m.folders()).extracting(Folder::fullName).contains("Projects", "Projects/v1.2", "Übersicht ✓");
      seed("bob", "To file");
      Uid uid = m.list(m.inbox()).get(0).uid();
      m.copy(m.inbox(), List.of(uid), accented);
      assertThat(m.list(accented)).extracting(s -> s.envelope().subject()).containsExactly("To file");
      Folder renamed = m.renameFolder(dotted, "Projects/v1.3");
      assertThat(m.folder("Projects/v1.3")).hasValueSatisfying(f -> assertThat(f.fullName()).isEqualTo(renamed.fullName()));
      m.deleteFolder(renamed);
      m.deleteFolder(accented);
      assertThat(m.folders()).extracting(Folder::fullName).doesNotContain("Projects/v1.3", "Übersicht ✓");
    }
  }

  @Test
  void quotaIsDovecotsUserQuota() {
    try (Mailbox m = imap("bob")) {
      assertThat(m.quota()).singleElement().satisfies(q -> {
        assertThat(q.root()).isEqualTo("User quota");
        assertThat(q.resources()).singleElement().satisfies(r -> {
          assertThat(r.name()).isEqualTo("STORAGE");
          assertThat(r.limit()).as("200M in KiB").isEqualTo(204_800);
          assertThat(r.usage()).isZero();
        });
      });
      byte[] big = Mail.raw("bob", "Big").clone();
      String padding = "x".repeat(1000) + "\r\n";
      byte[] body = (new String(big, java.nio.charset.StandardCharsets.UTF_8) + padding.repeat(300))
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      Lmtp.deliver(harness.lmtpPort(), "bob@example.test", body);
      Quota.Resource storage = m.quota().get(0).resources().get(0);
      assertThat(storage.usage()).as("KiB used after a ~300 KB delivery").isBetween(290L, 320L);
    }
  }

  @Test
  void watchReportsADeliveryThroughPostfix() throws InterruptedException {
    String subject = Mail.uniqueSubject("Pushed");
    BlockingQueue<Changes> seen = new LinkedBlockingQueue<>();
    MailboxListener listener = (folder, changes) -> seen.add(changes);
    try (Mailbox m = imap("bob"); Watch watch = m.watch(m.inbox(), listener)) {
      assertThat(watch.isRunning()).isTrue();
      try (Transport smtp = Transport.connect(harness.submission("alice"))) {
        smtp.send(Mail.message("alice", "bob", subject));
      }
      boolean reported = Mail.awaitAdded(seen, subject, Mail.DELIVERY);
      assertThat(reported).as("the watch reported \"%s\" within %s", subject, Mail.DELIVERY).isTrue();
    }
  }

  @Test
  void pop3DeleteAfterDownloadIsSeenFromImap() {
    seed("bob", "Fetched by POP3", "Also fetched");
    try (Mailbox imap = imap("bob")) {
      SyncState before = imap.changesSince(imap.inbox(), SyncState.initial(Folder.INBOX)).state();
      assertThat(before.known()).hasSize(2);
      List<String> handled = new java.util.ArrayList<>();
      dev.satchel.mail.InboxProcessor.builder()
          .settings(harness.settings("bob", Protocol.POP3, Security.TLS))
          .stateStore(dev.satchel.mail.SyncStateStore.inMemory())
          .handler(msg -> handled.add(msg.subject()))
          .afterHandling(dev.satchel.mail.AfterHandling.delete())
          .build().runOnce();
      assertThat(handled).containsExactly("Fetched by POP3", "Also fetched");
      assertThat(imap.list(imap.inbox())).as("the IMAP session sees the POP3 deletions").isEmpty();
      Changes changes = imap.changesSince(imap.inbox(), before);
      assertThat(changes.removed()).hasSize(2);
      assertThat(changes.added()).isEmpty();
    }
  }

  @Test
  void saveToSentLandsInTheSentFolder() {
    String subject = Mail.uniqueSubject("Saved copy");
    try (Mailbox alice = imap("alice"); Transport smtp = Transport.connect(harness.submission("alice"))) {
      SendResult result = smtp.send(Mail.message("alice", "bob", subject), SendOptions.builder().saveToSent(alice).build());
      assertThat(result.sentCopy()).hasValueSatisfying(copy -> {
        assertThat(copy.problem()).isEmpty();
        assertThat(copy.saved()).isTrue();
        assertThat(copy.folder()).hasValueSatisfying(f -> {
          assertThat(f.fullName()).isEqualTo("Sent");
          assertThat(f.specialUse()).hasValue(SpecialUse.SENT);
        });
        assertThat(copy.uid()).as("APPENDUID").isPresent();
      });
      Folder sent = alice.specialFolder(SpecialUse.SENT).orElseThrow();
      List<MessageSummary> inSent = alice.list(sent);
      assertThat(inSent).singleElement().satisfies(s -> {
        assertThat(s.envelope().subject()).isEqualTo(subject);
        assertThat(s.flags()).contains(Flag.SEEN);
        assertThat(s.uid()).isEqualTo(result.sentCopy().get().uid().get());
        assertThat(s.envelope().messageId()).hasValue(result.messageId());
      });
    }
    SubmissionInteropContract.assertReadable(() -> imap("bob"), subject);
  }

  @Test
  void idleWatchReconnectsAfterItsSessionIsKicked() throws InterruptedException {
    // doveadm kick ends the watch's IDLE session on the server side (BYE): it must get a new session
    // and report mail delivered after the kick.
    String subject = Mail.uniqueSubject("After kick");
    BlockingQueue<Changes> seen = new LinkedBlockingQueue<>();
    try (Mailbox m = imap("bob"); Watch watch = m.watch(m.inbox(), (f, c) -> seen.add(c))) {
      harness.kick("bob");
      seed("bob", subject);
      assertThat(Mail.awaitAdded(seen, subject, Duration.ofSeconds(30))).as("reported after the kick").isTrue();
      assertThat(watch.isRunning()).isTrue();
    }
  }
}
