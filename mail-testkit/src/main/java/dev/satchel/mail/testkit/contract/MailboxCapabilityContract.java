package dev.satchel.mail.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Changes;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxListener;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.SearchQuery;
import dev.satchel.mail.SpecialUse;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.Uid;
import dev.satchel.mail.UidRange;
import dev.satchel.mail.Watch;
import dev.satchel.mail.testkit.Seeder;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The capability invariant, operation by operation: each {@link Mailbox} operation works when its
 * {@link Capability} is present and throws {@code UnsupportedCapabilityException} (naming the
 * capability and protocol) when it is absent. Extend {@link MailboxContract}, which includes these.
 */
public abstract class MailboxCapabilityContract extends MailboxContractSupport {

  /** For subclasses. */
  protected MailboxCapabilityContract() {}

  /** Contract: folders follows folders. */
  @Test
  public void foldersFollowsFolders() throws Exception {
    Mailbox mb = open();
    checkCapability(mb, Capability.FOLDERS,
        () -> assertThat(mb.folders()).extracting(Folder::fullName).anyMatch(n -> n.equalsIgnoreCase(Folder.INBOX)),
        mb::folders);
  }

  /** Contract: folder by name follows folders except for inbox. */
  @Test
  public void folderByNameFollowsFoldersExceptForInbox() throws Exception {
    Mailbox mb = open();
    assertThat(mb.folder(Folder.INBOX)).as("folder(\"INBOX\") works on every protocol").hasValueSatisfying(f -> assertThat(f.isInbox()).isTrue());
    checkCapability(mb, Capability.FOLDERS,
        () -> assertThat(mb.folder("satchel-contract-no-such-folder")).isEmpty(),
        () -> mb.folder("satchel-contract-no-such-folder"));
  }

  /** Contract: special folder follows folders. */
  @Test
  public void specialFolderFollowsFolders() throws Exception {
    Mailbox mb = open();
    checkCapability(mb, Capability.FOLDERS, () -> assertThat(mb.specialFolder(SpecialUse.SENT)).isNotNull(),
        () -> mb.specialFolder(SpecialUse.SENT));
  }

  /** Contract: folder lifecycle follows folders. */
  @Test
  public void folderLifecycleFollowsFolders() throws Exception {
    Mailbox mb = open();
    checkCapability(mb, Capability.FOLDERS, () -> {
      Folder created = mb.createFolder("ContractA");
      assertThat(mb.folders()).extracting(Folder::fullName).contains(created.fullName());
      Folder renamed = mb.renameFolder(created, "ContractB");
      assertThat(mb.folders()).extracting(Folder::fullName).contains(renamed.fullName()).doesNotContain(created.fullName());
      mb.deleteFolder(renamed);
      assertThat(mb.folders()).extracting(Folder::fullName).doesNotContain(renamed.fullName());
    }, () -> mb.createFolder("ContractA"));
    checkCapability(mb, Capability.FOLDERS, () -> { }, () -> mb.renameFolder(Folder.named("ContractA"), "ContractB"));
    checkCapability(mb, Capability.FOLDERS, () -> { }, () -> mb.deleteFolder(Folder.named("ContractA")));
  }

  /** Contract: list by range follows unique ids. */
  @Test
  public void listByRangeFollowsUniqueIds() throws Exception {
    deliver(3, "Range");
    Mailbox mb = open();
    Folder inbox = mb.inbox();
    checkCapability(mb, Capability.UNIQUE_IDS,
        () -> assertThat(uids(mb.list(inbox, UidRange.all()))).isEqualTo(uids(mb.list(inbox))),
        () -> mb.list(inbox, UidRange.all()));
  }

  /** Contract: search follows server search. */
  @Test
  public void searchFollowsServerSearch() throws Exception {
    Seeder.Batch batch = deliver(3, "Searchable");
    Mailbox mb = open();
    Folder inbox = mb.inbox();
    List<MessageSummary> all = mb.list(inbox);
    checkCapability(mb, Capability.SERVER_SEARCH, () -> {
      List<Uid> found = mb.search(inbox, SearchQuery.subject(batch.subject(1)));
      assertThat(found).containsExactly(all.get(1).uid());
    }, () -> mb.search(inbox, SearchQuery.all()));
  }

  /** Contract: flags follow server flags. */
  @Test
  public void flagsFollowServerFlags() throws Exception {
    deliver(1, "Flags");
    Mailbox mb = open();
    Folder inbox = mb.inbox();
    List<Uid> uid = uids(mb.list(inbox));
    checkCapability(mb, Capability.SERVER_FLAGS, () -> {
      mb.addFlags(inbox, uid, Set.of(Flag.FLAGGED));
      try (Mailbox other = account().open()) {
        assertThat(other.list(other.inbox()).get(0).flags()).as("flags are stored on the server").contains(Flag.FLAGGED);
      }
      mb.removeFlags(inbox, uid, Set.of(Flag.FLAGGED));
      assertThat(mb.list(inbox).get(0).flags()).doesNotContain(Flag.FLAGGED);
    }, () -> mb.addFlags(inbox, uid, Set.of(Flag.FLAGGED)));
    checkCapability(mb, Capability.SERVER_FLAGS, () -> { }, () -> mb.removeFlags(inbox, uid, Set.of(Flag.FLAGGED)));
  }

  /** Contract: keywords follow keywords. */
  @Test
  public void keywordsFollowKeywords() throws Exception {
    deliver(1, "Keywords");
    Mailbox mb = open();
    Folder inbox = mb.inbox();
    List<Uid> uid = uids(mb.list(inbox));
    checkCapability(mb, Capability.KEYWORDS, () -> {
      mb.addKeywords(inbox, uid, Set.of("$Contract"));
      assertThat(mb.list(inbox).get(0).keywords()).contains("$Contract");
      mb.removeKeywords(inbox, uid, Set.of("$Contract"));
      assertThat(mb.list(inbox).get(0).keywords()).doesNotContain("$Contract");
    }, () -> mb.addKeywords(inbox, uid, Set.of("$Contract")));
    checkCapability(mb, Capability.KEYWORDS, () -> { }, () -> mb.removeKeywords(inbox, uid, Set.of("$Contract")));
  }

  /** Contract: copy follows copy. */
  @Test
  public void copyFollowsCopy() throws Exception {
    deliver(2, "Copy");
    Mailbox mb = open();
    Folder inbox = mb.inbox();
    List<Uid> first = uids(mb.list(inbox)).subList(0, 1);
    checkCapability(mb, Capability.COPY, () -> {
      Folder target = mb.supports(Capability.FOLDERS) ? mb.createFolder("ContractCopy") : inbox;
      long before = mb.status(target).messages();
      mb.copy(inbox, first, target);
      assertThat(mb.status(target).messages()).isEqualTo(before + 1);
      assertThat(mb.list(inbox)).as("copy leaves the source in place").hasSize(target.equals(inbox) ? 3 : 2);
    }, () -> mb.copy(inbox, first, inbox));
  }

  /** Contract: move follows move. */
  @Test
  public void moveFollowsMove() throws Exception {
    deliver(2, "Move");
    Mailbox mb = open();
    Folder inbox = mb.inbox();
    List<Uid> first = uids(mb.list(inbox)).subList(0, 1);
    checkCapability(mb, Capability.MOVE, () -> {
      Folder target = mb.createFolder("ContractMove");
      mb.move(inbox, first, target);
      assertThat(uids(mb.list(inbox))).as("the moved message left the source, the other stayed").hasSize(1).doesNotContainAnyElementsOf(first);
      assertThat(mb.status(target).messages()).isEqualTo(1);
    }, () -> mb.move(inbox, first, inbox));
    assertThat(mb.list(inbox)).as("a refused move changes nothing").hasSizeGreaterThanOrEqualTo(1);
  }

  /** Contract: delete follows delete. */
  @Test
  public void deleteFollowsDelete() throws Exception {
    deliver(2, "Delete");
    Mailbox mb = open();
    Folder inbox = mb.inbox();
    List<Uid> all = uids(mb.list(inbox));
    checkCapability(mb, Capability.DELETE, () -> {
      mb.delete(inbox, all.subList(0, 1));
      mb.close(); // POP3 commits deletions at a clean close
      try (Mailbox after = account().open()) {
        assertThat(uids(after.list(after.inbox()))).containsExactly(all.get(1));
      }
    }, () -> mb.delete(inbox, all.subList(0, 1)));
    if (!mb.supports(Capability.DELETE)) {
      mb.close();
      try (Mailbox after = account().open()) {
        assertThat(uids(after.list(after.inbox()))).as("a refused delete removes nothing").isEqualTo(all);
      }
    }
  }

  /** Contract: append follows append. */
  @Test
  public void appendFollowsAppend() throws Exception {
    Mailbox mb = open();
    Folder inbox = mb.inbox();
    var message = Seeder.messages(1).subjectPrefix("Appended").outgoing().get(0);
    checkCapability(mb, Capability.APPEND, () -> {
      mb.append(inbox, message, Set.of());
      assertThat(mb.list(inbox)).extracting(s -> s.envelope().subject()).containsExactly("Appended 0");
    }, () -> mb.append(inbox, message, Set.of()));
  }

  /** Contract: quota follows quota. */
  @Test
  public void quotaFollowsQuota() throws Exception {
    Mailbox mb = open();
    checkCapability(mb, Capability.QUOTA, () -> assertThat(mb.quota()).isNotNull(), mb::quota);
  }

  /** Contract: changes since follows unique ids. */
  @Test
  public void changesSinceFollowsUniqueIds() throws Exception {
    deliver(1, "Changes");
    Mailbox mb = open();
    Folder inbox = mb.inbox();
    checkCapability(mb, Capability.UNIQUE_IDS, () -> {
      Changes changes = mb.changesSince(inbox, SyncState.initial(inbox.fullName()));
      assertThat(changes.added()).hasSize(1);
    }, () -> mb.changesSince(inbox, SyncState.initial(inbox.fullName())));
  }

  /** Contract: watch follows unique ids. */
  @Test
  public void watchFollowsUniqueIds() throws Exception {
    Mailbox mb = open();
    Folder inbox = mb.inbox();
    MailboxListener ignore = (folder, changes) -> { };
    checkCapability(mb, Capability.UNIQUE_IDS, () -> {
      Watch watch = mb.watch(inbox, ignore);
      try (watch) {
        assertThat(watch.isRunning()).isTrue();
      }
      assertThat(watch.isRunning()).isFalse();
      watch.close();
    }, () -> mb.watch(inbox, ignore));
  }
}
