package dev.satchel.mail.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.Capability;
import dev.satchel.mail.Changes;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.SpecialUse;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.SyncStateStore;
import dev.satchel.mail.Uid;
import dev.satchel.mail.Watch;
import dev.satchel.mail.interop.Harness.MailServer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The core checks of {@link ImapInteropTest} on Cyrus IMAP 3.6 and Courier-IMAP 5.0: capabilities as each
 * server offers them, failed logins, changes seen by another connection, {@code changesSince} with and
 * without CONDSTORE, folders under the {@code INBOX.} personal namespace, special-use folders (Cyrus
 * by attribute, Courier by name), {@code watch} and a POP3 delete seen from IMAP. Mail arrives over
 * Cyrus's LMTP and by IMAP APPEND on Courier.
 */
@Interop
class ImapServersInteropTest {
  private final Harness harness = Harness.get();

  private Mailbox imap(MailServer server, String user) {
    return Mailbox.connect(harness.settings(server, user, Protocol.IMAP, Security.TLS));
  }

  private void emptied(MailServer server, String user) {
    RawImap.empty(harness, server, user);
  }

  private void seed(MailServer server, String user, String... subjects) {
    for (String s : subjects) {
      Accounts.deliver(harness, server, user, Mail.raw(user, s));
    }
  }

  /** What Satchel makes of each server's CAPABILITY: Courier has no CONDSTORE/QRESYNC and no SPECIAL-USE. */
  private static Set<Capability> expected(MailServer server) {
    EnumSet<Capability> all = EnumSet.allOf(Capability.class);
    if (server == MailServer.COURIER) {
      all.removeAll(EnumSet.of(Capability.CHANGES_SINCE, Capability.SPECIAL_USE));
    }
    return all;
  }

  private static Map<String, MessageSummary> bySubject(List<MessageSummary> list) {
    return list.stream().collect(Collectors.toMap(s -> s.envelope().subject(), s -> s));
  }

  @ParameterizedTest
  @EnumSource(value = MailServer.class, names = {"CYRUS", "COURIER"})
  void capabilitiesAreTheSameOverEverySecurity(MailServer server) {
    for (Security security : List.of(Security.TLS, Security.STARTTLS, Security.NONE)) {
      try (Mailbox m = Mailbox.connect(harness.settings(server, "bob", Protocol.IMAP, security))) {
        assertThat(m.capabilities()).as("%s over %s", server, security).containsExactlyInAnyOrderElementsOf(expected(server));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = MailServer.class, names = {"CYRUS", "COURIER"})
  void wrongPasswordIsAnAuthenticationFailure(MailServer server) {
    for (Protocol protocol : List.of(Protocol.IMAP, Protocol.POP3)) {
      MailSettings wrong = harness.settings(server, "bob", protocol, Security.TLS).toBuilder()
          .password("bob@example.test", "wrong-pw").build();
      assertThatThrownBy(() -> Mailbox.connect(wrong).close()).as("%s %s", server, protocol)
          .isInstanceOf(MailAuthenticationException.class).hasMessageNotContaining("wrong-pw");
    }
  }

  @ParameterizedTest
  @EnumSource(value = MailServer.class, names = {"CYRUS", "COURIER"})
  void flagsMovesAndDeletesAreSeenByAnotherConnection(MailServer server) {
    emptied(server, "bob");
    seed(server, "bob", "Keep", "Archive me", "Delete me");
    try (Mailbox a = imap(server, "bob"); Mailbox b = imap(server, "bob")) {
      Folder inbox = a.inbox();
      Folder archive = a.specialFolder(SpecialUse.ARCHIVE).orElseThrow();
      assertThat(b.list(b.inbox())).hasSize(3);
      Map<String, MessageSummary> seeded = bySubject(a.list(inbox));

      a.addFlags(inbox, List.of(seeded.get("Keep").uid()), Set.of(Flag.SEEN, Flag.FLAGGED));
      a.addKeywords(inbox, List.of(seeded.get("Keep").uid()), Set.of("$Interop"));
      List<Uid> moved = a.move(inbox, List.of(seeded.get("Archive me").uid()), archive);
      a.delete(inbox, List.of(seeded.get("Delete me").uid()));

      List<MessageSummary> seen = b.list(b.inbox());
      assertThat(seen).extracting(s -> s.envelope().subject()).containsExactly("Keep");
      assertThat(seen.get(0).flags()).contains(Flag.SEEN, Flag.FLAGGED);
      assertThat(seen.get(0).keywords()).contains("$Interop");
      List<MessageSummary> archived = b.list(archive);
      assertThat(archived).extracting(s -> s.envelope().subject()).containsExactly("Archive me");
      assertThat(moved).as("the new UID (COPYUID)").containsExactly(archived.get(0).uid());
    }
  }

  @ParameterizedTest
  @EnumSource(value = MailServer.class, names = {"CYRUS", "COURIER"})
  void changesSinceSeesEveryKindOfChange(MailServer server) {
    emptied(server, "bob");
    seed(server, "bob", "One", "Two");
    SyncState state;
    try (Mailbox a = imap(server, "bob")) {
      Changes first = a.changesSince(a.inbox(), SyncState.initial(Folder.INBOX));
      assertThat(first.added()).extracting(s -> s.envelope().subject()).containsExactly("One", "Two");
      state = first.state();
      assertThat(state.highestModSeq().isPresent()).as("HIGHESTMODSEQ only with CONDSTORE")
          .isEqualTo(server == MailServer.CYRUS);
    }
    try (Mailbox b = imap(server, "bob")) {
      Map<String, MessageSummary> m = bySubject(b.list(b.inbox()));
      b.addFlags(b.inbox(), List.of(m.get("One").uid()), Set.of(Flag.ANSWERED));
      b.delete(b.inbox(), List.of(m.get("Two").uid()));
    }
    seed(server, "bob", "Three");
    try (Mailbox a = imap(server, "bob")) {
      Changes changes = a.changesSince(a.inbox(), SyncState.parse(state.serialize()));
      assertThat(changes.added()).extracting(s -> s.envelope().subject()).containsExactly("Three");
      assertThat(changes.changed()).extracting(s -> s.envelope().subject()).containsExactly("One");
      assertThat(changes.changed().get(0).flags()).contains(Flag.ANSWERED);
      assertThat(changes.removed()).hasSize(1);
      assertThat(changes.fullResyncNeeded()).isFalse();
      assertThat(a.changesSince(a.inbox(), changes.state()).isEmpty()).as("nothing changed since").isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(value = MailServer.class, names = {"CYRUS", "COURIER"})
  void specialUseFoldersAreFound(MailServer server) {
    emptied(server, "bob");
    try (Mailbox m = imap(server, "bob")) {
      Map<SpecialUse, String> expected = Map.of(SpecialUse.SENT, "INBOX.Sent", SpecialUse.DRAFTS, "INBOX.Drafts",
          SpecialUse.TRASH, "INBOX.Trash", SpecialUse.JUNK, "INBOX.Junk", SpecialUse.ARCHIVE, "INBOX.Archive");
      expected.forEach((use, name) -> assertThat(m.specialFolder(use)).as("%s", use)
          .hasValueSatisfying(f -> assertThat(f.fullName()).isEqualTo(name)));
      // Cyrus sends the attributes in lower case (\sent); Courier has none, so the names decide
      assertThat(m.folders()).filteredOn(f -> f.fullName().equals("INBOX.Sent")).singleElement()
          .satisfies(f -> assertThat(f.attributes().stream().anyMatch(a -> a.equalsIgnoreCase("\\Sent")))
              .isEqualTo(server == MailServer.CYRUS));
    }
  }

  @ParameterizedTest
  @EnumSource(value = MailServer.class, names = {"CYRUS", "COURIER"})
  void newFoldersGoUnderThePersonalNamespace(MailServer server) {
    emptied(server, "bob");
    seed(server, "bob", "To file");
    try (Mailbox m = imap(server, "bob")) {
      Folder projects = m.createFolder("Projects");
      assertThat(projects.fullName()).isEqualTo("INBOX.Projects");
      assertThat(projects.separator()).isEqualTo('.');
      Folder accented = m.createFolder("Übersicht ✓");
      assertThat(accented.fullName()).isEqualTo("INBOX.Übersicht ✓");
      Folder child = m.createFolder(projects.fullName() + ".v1");
      assertThat(m.folders()).extracting(Folder::fullName).contains("INBOX.Projects", "INBOX.Projects.v1", "INBOX.Übersicht ✓");
      m.copy(m.inbox(), List.of(m.list(m.inbox()).get(0).uid()), accented);
      assertThat(m.list(accented)).extracting(s -> s.envelope().subject()).containsExactly("To file");
      Folder renamed = m.renameFolder(child, "Archive 2020");
      assertThat(renamed.fullName()).isEqualTo("INBOX.Archive 2020");
      assertThat(m.folder("INBOX.Archive 2020")).isPresent();
      m.deleteFolder(renamed);
      m.deleteFolder(accented);
      assertThat(m.folders()).extracting(Folder::fullName).doesNotContain("INBOX.Archive 2020", "INBOX.Übersicht ✓");
    }
  }

  @ParameterizedTest
  @EnumSource(value = MailServer.class, names = {"CYRUS", "COURIER"})
  void watchReportsADelivery(MailServer server) throws InterruptedException {
    emptied(server, "bob");
    String subject = Mail.uniqueSubject("Pushed");
    BlockingQueue<Changes> seen = new LinkedBlockingQueue<>();
    try (Mailbox m = imap(server, "bob"); Watch watch = m.watch(m.inbox(), (folder, changes) -> seen.add(changes))) {
      assertThat(watch.isRunning()).isTrue();
      seed(server, "bob", subject);
      long deadline = System.nanoTime() + Mail.DELIVERY.toNanos();
      boolean reported = false;
      while (!reported && System.nanoTime() < deadline) {
        Changes c = seen.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        reported = c != null && c.added().stream().anyMatch(s -> subject.equals(s.envelope().subject()));
      }
      assertThat(reported).as("the watch reported \"%s\" within %s", subject, Mail.DELIVERY).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(value = MailServer.class, names = {"CYRUS", "COURIER"})
  void pop3DeleteAfterDownloadIsSeenFromImap(MailServer server) {
    emptied(server, "bob");
    seed(server, "bob", "Fetched by POP3", "Also fetched");
    try (Mailbox imap = imap(server, "bob")) {
      SyncState before = imap.changesSince(imap.inbox(), SyncState.initial(Folder.INBOX)).state();
      List<String> handled = new ArrayList<>();
      InboxProcessor.builder().settings(harness.settings(server, "bob", Protocol.POP3, Security.STARTTLS))
          .stateStore(SyncStateStore.inMemory()).handler(msg -> handled.add(msg.subject()))
          .afterHandling(AfterHandling.delete()).build().runOnce();
      assertThat(handled).containsExactly("Fetched by POP3", "Also fetched");
      assertThat(imap.list(imap.inbox())).as("the IMAP session sees the POP3 deletions").isEmpty();
      assertThat(imap.changesSince(imap.inbox(), before).removed()).hasSize(2);
    }
  }
}
