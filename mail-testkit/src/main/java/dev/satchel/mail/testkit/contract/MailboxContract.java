package dev.satchel.mail.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Changes;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.Uid;
import dev.satchel.mail.testkit.Seeder;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Mailbox} implementation must pass: the capability invariant for every
 * operation (inherited from {@link MailboxCapabilityContract}), UID stability across connections,
 * reading without setting \Seen, an idempotent close that never expunges, and sync-state round trips
 * through {@link Mailbox#changesSince}.
 *
 * <pre>{@code
 * class ImapMailboxContractTest extends MailboxContract {
 *   @RegisterExtension static TestMailServerExtension servers = new TestMailServerExtension();
 *   TestMailServer server;
 *   @BeforeEach void server(TestMailServer server) { this.server = server; }
 *
 *   @Override protected MailboxFixture newAccount() {
 *     TestUser user = server.createUser("u" + UUID.randomUUID() + "@example.com", "secret");
 *     return MailboxFixture.of(() -> Mailbox.connect(server.settings(user, Protocol.IMAP)),
 *         raw -> server.deliver(user, raw));
 *   }
 * }
 * }</pre>
 *
 * <p>Tests that need a capability the implementation lacks (UID stability without
 * {@link Capability#UNIQUE_IDS}, \Seen checks without {@link Capability#SERVER_FLAGS}) are skipped
 * through JUnit assumptions; the capability invariant itself is always checked.
 */
public abstract class MailboxContract extends MailboxCapabilityContract {

  /** For subclasses. */
  protected MailboxContract() {}

  /** Contract: delivered messages are listed oldest first, and the newest newest first. */
  @Test
  public void listsDeliveredMessagesOldestFirst() {
    Seeder.Batch batch = deliver(3, "Order");
    Mailbox mb = open();
    Folder inbox = mb.inbox();
    assertThat(mb.list(inbox)).extracting(s -> s.envelope().subject())
        .containsExactly(batch.subject(0), batch.subject(1), batch.subject(2));
    assertThat(mb.listNewest(inbox, 2)).extracting(s -> s.envelope().subject()).containsExactly(batch.subject(2), batch.subject(1));
    assertThat(mb.status(inbox).messages()).isEqualTo(3);
    assertThatThrownBy(() -> mb.listNewest(inbox, -1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
  }

  /** Contract: fetch and openRaw return the delivered message. */
  @Test
  public void fetchAndOpenRawReturnTheMessage() throws Exception {
    Seeder.Batch batch = deliver(1, "Fetched");
    Mailbox mb = open();
    Folder inbox = mb.inbox();
    Uid uid = mb.list(inbox).get(0).uid();
    Message m = mb.fetch(inbox, uid);
    assertThat(m.uid()).isEqualTo(uid);
    assertThat(m.subject()).isEqualTo(batch.subject(0));
    assertThat(m.envelope().messageId()).hasValue(batch.messageId(0));
    assertThat(m.text()).hasValueSatisfying(t -> assertThat(t).contains("This is message 0."));
    try (InputStream raw = mb.openRaw(inbox, uid)) {
      assertThat(new String(raw.readAllBytes(), StandardCharsets.ISO_8859_1)).contains("Message-ID: " + batch.messageId(0));
    }
  }

  /** Contract: fetching a UID that does not exist is a command failure, and the session stays usable. */
  @Test
  public void fetchOfUnknownUidThrowsMailCommandException() {
    deliver(1, "Known");
    Mailbox mb = open();
    Folder inbox = mb.inbox();
    Uid known = mb.list(inbox).get(0).uid();
    Uid unknown = known instanceof Uid.Imap imap ? new Uid.Imap(imap.uidValidity(), 4_000_000_000L) : new Uid.Pop3("satchel-no-such-uidl");
    assertThatThrownBy(() -> mb.fetch(inbox, unknown)).isInstanceOf(MailCommandException.class);
    assertThat(mb.list(inbox)).as("the session is still usable").hasSize(1);
  }

  /** Contract: UIDs are the same in every connection and survive a round trip through text. */
  @Test
  public void uidsAreStableAcrossConnections() {
    Seeder.Batch batch = deliver(3, "Stable");
    List<Uid> first;
    try (Mailbox a = account().open()) {
      assumeTrue(a.supports(Capability.UNIQUE_IDS), "needs UNIQUE_IDS");
      first = uids(a.list(a.inbox()));
    }
    Mailbox b = open();
    assertThat(uids(b.list(b.inbox()))).isEqualTo(first);
    for (int i = 0; i < first.size(); i++) {
      Uid parsed = Uid.parse(first.get(i).asString());
      assertThat(parsed).isEqualTo(first.get(i));
      assertThat(b.fetch(b.inbox(), parsed).envelope().messageId()).hasValue(batch.messageId(i));
    }
  }

  /** Contract: fetch, openRaw and list never set \Seen. */
  @Test
  public void readingDoesNotSetSeen() throws Exception {
    deliver(2, "Unread");
    Mailbox mb = open();
    assumeTrue(mb.supports(Capability.SERVER_FLAGS), "needs SERVER_FLAGS");
    Folder inbox = mb.inbox();
    List<MessageSummary> before = mb.list(inbox);
    assertThat(before).noneMatch(MessageSummary::isSeen);
    mb.fetch(inbox, before.get(0).uid());
    try (InputStream raw = mb.openRaw(inbox, before.get(1).uid())) {
      raw.readAllBytes();
    }
    mb.close();
    try (Mailbox other = account().open()) {
      assertThat(other.list(other.inbox())).as("seen by another connection").noneMatch(MessageSummary::isSeen);
      assertThat(other.status(other.inbox()).unseen()).hasValue(2);
    }
  }

  /** Contract: close can be called any number of times and never throws. */
  @Test
  public void closeIsIdempotent() {
    Mailbox fresh = open();
    fresh.close();
    fresh.close();
    deliver(1, "Closing");
    Mailbox used = open();
    used.list(used.inbox());
    used.close();
    used.close();
    try (Mailbox again = account().open()) {
      assertThat(again.list(again.inbox())).hasSize(1);
    }
  }

  /** Contract: closing never expunges messages marked \Deleted. */
  @Test
  public void closeNeverExpunges() {
    deliver(2, "Kept");
    Mailbox mb = open();
    assumeTrue(mb.supports(Capability.SERVER_FLAGS), "needs SERVER_FLAGS");
    Folder inbox = mb.inbox();
    List<Uid> uids = uids(mb.list(inbox));
    mb.addFlags(inbox, uids.subList(0, 1), Set.of(Flag.DELETED));
    mb.close();
    try (Mailbox other = account().open()) {
      assertThat(uids(other.list(other.inbox()))).isEqualTo(uids);
    }
  }

  /** Contract: a sync state survives serialisation and a new connection, and then reports no change. */
  @Test
  public void syncStateSurvivesSerializationAndReconnect() {
    deliver(3, "Synced");
    String saved;
    try (Mailbox a = account().open()) {
      assumeTrue(a.supports(Capability.UNIQUE_IDS), "needs UNIQUE_IDS");
      Changes first = a.changesSince(a.inbox(), SyncState.initial(a.inbox().fullName()));
      assertThat(first.added()).hasSize(3);
      assertThat(first.removed()).isEmpty();
      saved = first.state().serialize();
      assertThat(SyncState.parse(saved)).isEqualTo(first.state());
      assertThat(first.state().known()).hasSize(3);
    }
    Mailbox b = open();
    Changes none = b.changesSince(b.inbox(), SyncState.parse(saved));
    assertThat(none.isEmpty()).as("no changes since the saved state, but got %s", none).isTrue();
  }

  /** Contract: changesSince reports exactly the messages that arrived after the state. */
  @Test
  public void changesSinceReportsNewMessages() {
    deliver(2, "Old");
    Mailbox mb = open();
    assumeTrue(mb.supports(Capability.UNIQUE_IDS), "needs UNIQUE_IDS");
    Folder inbox = mb.inbox();
    SyncState state = mb.changesSince(inbox, SyncState.initial(inbox.fullName())).state();
    mb.close();
    Seeder.Batch fresh = deliver(1, "New");
    Mailbox next = open();
    Changes changes = next.changesSince(next.inbox(), state);
    assertThat(changes.added()).extracting(s -> s.envelope().subject()).containsExactly(fresh.subject(0));
    assertThat(changes.removed()).isEmpty();
    assertThat(changes.state().known()).hasSize(3);
  }

  /** Contract: changesSince reports flag changes (with SERVER_FLAGS). */
  @Test
  public void changesSinceReportsFlagChanges() {
    deliver(2, "Flagged");
    Mailbox mb = open();
    assumeTrue(mb.supports(Capability.UNIQUE_IDS) && mb.supports(Capability.SERVER_FLAGS), "needs UNIQUE_IDS and SERVER_FLAGS");
    Folder inbox = mb.inbox();
    SyncState state = mb.changesSince(inbox, SyncState.initial(inbox.fullName())).state();
    Uid first = uids(mb.list(inbox)).get(0);
    mb.addFlags(inbox, List.of(first), Set.of(Flag.FLAGGED));
    Changes changes = mb.changesSince(inbox, state);
    assertThat(changes.added()).isEmpty();
    assertThat(changes.changed()).extracting(MessageSummary::uid).containsExactly(first);
    assertThat(changes.changed().get(0).flags()).contains(Flag.FLAGGED);
  }

  /** Contract: changesSince reports removed messages (with DELETE). */
  @Test
  public void changesSinceReportsRemovedMessages() {
    deliver(2, "Removed");
    Mailbox mb = open();
    assumeTrue(mb.supports(Capability.UNIQUE_IDS) && mb.supports(Capability.DELETE), "needs UNIQUE_IDS and DELETE");
    Folder inbox = mb.inbox();
    SyncState state = mb.changesSince(inbox, SyncState.initial(inbox.fullName())).state();
    Uid first = uids(mb.list(inbox)).get(0);
    mb.delete(inbox, List.of(first));
    mb.close(); // POP3 commits deletions at a clean close
    Mailbox next = open();
    Changes changes = next.changesSince(next.inbox(), state);
    assertThat(changes.removed()).containsExactly(first);
    assertThat(changes.added()).isEmpty();
    assertThat(changes.state().known()).hasSize(1);
  }
}
