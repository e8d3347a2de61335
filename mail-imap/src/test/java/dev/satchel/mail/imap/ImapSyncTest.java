package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Changes;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.Uid;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code changesSince} after each kind of change, made through a second connection. */
class ImapSyncTest {
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
  void reportsNewChangedAndRemovedMessagesAndNothingWhenNothingChanged() {
    GreenMailImap.User u = server.newUser();
    server.deliver(u, "INBOX", "old-1", "x");
    server.deliver(u, "INBOX", "old-2", "x");
    try (Mailbox m = Mailbox.connect(server.settings(u)); Mailbox other = Mailbox.connect(server.settings(u))) {
      Folder inbox = m.inbox();
      Changes first = m.changesSince(inbox, SyncState.initial("INBOX"));
      assertThat(first.added()).extracting(s -> s.envelope().subject()).containsExactly("old-1", "old-2");
      assertThat(first.fullResyncNeeded()).isFalse();
      assertThat(first.state().uidValidity()).isPresent();
      SyncState state = SyncState.parse(first.state().serialize());

      Changes none = m.changesSince(inbox, state);
      assertThat(none.isEmpty()).isTrue();

      server.deliver(u, "INBOX", "new", "x");
      Changes added = m.changesSince(inbox, state);
      assertThat(added.added()).extracting(s -> s.envelope().subject()).containsExactly("new");
      assertThat(added.changed()).isEmpty();
      assertThat(added.removed()).isEmpty();
      state = added.state();

      List<MessageSummary> all = other.list(other.inbox());
      other.addFlags(other.inbox(), List.of(all.get(0).uid()), Set.of(Flag.SEEN));
      Changes seen = m.changesSince(inbox, state);
      assertThat(seen.changed()).extracting(MessageSummary::uid).containsExactly(all.get(0).uid());
      assertThat(seen.changed().get(0).isSeen()).isTrue();
      assertThat(seen.added()).isEmpty();
      state = seen.state();

      other.addKeywords(other.inbox(), List.of(all.get(1).uid()), Set.of("$Done"));
      Changes keyword = m.changesSince(inbox, state);
      assertThat(keyword.changed()).singleElement().satisfies(s -> assertThat(s.keywords()).contains("$Done"));
      state = keyword.state();

      other.delete(other.inbox(), List.of(all.get(1).uid()));
      Changes removed = m.changesSince(inbox, state);
      assertThat(removed.removed()).containsExactly(all.get(1).uid());
      assertThat(removed.added()).isEmpty();
      state = removed.state();

      Folder archive = other.createFolder("Archive");
      other.move(other.inbox(), List.of(all.get(0).uid()), archive);
      Changes moved = m.changesSince(inbox, state);
      assertThat(moved.removed()).containsExactly(all.get(0).uid());
      assertThat(moved.state().known()).containsOnlyKeys(all.get(2).uid().asString());
    }
  }

  @Test
  void aChangedUidValidityAsksForAFullResync() {
    GreenMailImap.User u = server.newUser();
    server.deliver(u, "Box", "before", "x");
    try (Mailbox m = Mailbox.connect(server.settings(u))) {
      Folder box = m.folder("Box").orElseThrow();
      Changes first = m.changesSince(box, SyncState.initial("Box"));
      Uid oldUid = first.added().get(0).uid();
      long oldValidity = first.state().uidValidity().orElseThrow();

      // the folder is recreated under the same name: a new UIDVALIDITY, old UIDs void (GreenMail
      // derives UIDVALIDITY from the clock in seconds, so recreate until it differs, with a deadline)
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
      do {
        m.deleteFolder(box);
        m.createFolder("Box");
      } while (m.status(box).uidValidity().getAsLong() == oldValidity && System.nanoTime() < deadline);
      server.deliver(u, "Box", "after", "x");
      Changes resync = m.changesSince(box, first.state());
      assertThat(resync.state().uidValidity()).isPresent();
      assertThat(resync.state().uidValidity().getAsLong()).isNotEqualTo(oldValidity);
      assertThat(resync.fullResyncNeeded()).isTrue();
      assertThat(resync.removed()).containsExactly(oldUid);
      assertThat(resync.added()).extracting(s -> s.envelope().subject()).containsExactly("after");
    }
  }
}
