package dev.satchel.mail.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Uid;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Seeding folders straight into the test server's store, checked with a plain Angus IMAP client. */
class SeedingFoldersTest {
  private static TestMailServer server;

  @BeforeAll
  static void start() {
    server = TestMailServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void appendStoresABatchInANestedFolderThatImapClientsSee() throws Exception {
    TestUser alice = server.createUser("seed-alice@example.com", "pw");
    Seeder.Batch batch = Seeder.messages(300).subjectPrefix("Seeded");
    List<Uid> uids = batch.appendTo(server, alice, "Archive.2024");
    assertThat(uids).hasSize(300);
    assertThat(uids).allSatisfy(u -> assertThat(u).isInstanceOf(Uid.Imap.class));
    assertThat(uids.stream().map(u -> ((Uid.Imap) u).uid()).toList()).isSorted().doesNotHaveDuplicates();

    try (Store store = imap(alice)) {
      assertThat(store.getFolder("Archive").exists()).as("the parent was created").isTrue();
      try (Folder folder = store.getFolder("Archive.2024")) {
        folder.open(Folder.READ_ONLY);
        assertThat(folder.getMessageCount()).isEqualTo(300);
        Message first = folder.getMessage(1);
        assertThat(first.getSubject()).isEqualTo(batch.subject(0));
        assertThat(first.isSet(jakarta.mail.Flags.Flag.SEEN)).isFalse();
        assertThat(((jakarta.mail.UIDFolder) folder).getUID(folder.getMessage(300))).isEqualTo(((Uid.Imap) uids.get(299)).uid());
      }
    }
  }

  @Test
  void appendToAnExistingFolderAddsAndInboxIsTheInbox() throws Exception {
    TestUser bob = server.createUser("seed-bob@example.com", "pw");
    server.createFolder(bob, "Projects");
    server.createFolder(bob, "Projects"); // existing: nothing happens
    Seeder.messages(2).appendTo(server, bob, "Projects");
    Seeder.messages(3).seed(9).appendTo(server, bob, "Projects");
    Seeder.messages(4).appendTo(server, bob, "INBOX");
    try (Store store = imap(bob)) {
      try (Folder projects = store.getFolder("Projects")) {
        projects.open(Folder.READ_ONLY);
        assertThat(projects.getMessageCount()).isEqualTo(5);
      }
      try (Folder inbox = store.getFolder("INBOX")) {
        inbox.open(Folder.READ_ONLY);
        assertThat(inbox.getMessageCount()).isEqualTo(4);
      }
    }
  }

  @Test
  void badFolderNamesAndStrangersAreRefused() {
    TestUser carol = server.createUser("seed-carol@example.com", "pw");
    List<byte[]> one = Seeder.messages(1).build();
    assertThatThrownBy(() -> server.append(carol, "", one)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"\"");
    assertThatThrownBy(() -> server.append(carol, "A..B", one)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("A..B");
    TestUser stranger = new TestUser("nobody@example.com", "nobody@example.com", "pw");
    assertThatThrownBy(() -> server.append(stranger, "X", one)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nobody@example.com");
  }

  private static Store imap(TestUser user) throws Exception {
    Session session = MailClients.session(server.settings(user, Protocol.IMAP));
    Store store = session.getStore("imap");
    store.connect(user.login(), user.password());
    return store;
  }
}
