package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Folder;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Uid;
import dev.satchel.mail.testkit.Seeder;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The testkit's folder seeding, both ways, read back through the IMAP Mailbox. */
class ImapSeedingTest {
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
  void foldersSeededInTheServerStoreAreListedWithTheirUids() {
    TestUser alice = server.createUser("seed-imap-alice@example.test", "pw");
    Seeder.Batch batch = Seeder.messages(250).subjectPrefix("Stored");
    List<Uid> uids = batch.appendTo(server, alice, "Archive.2024");
    try (Mailbox mb = Mailbox.connect(server.settings(alice, Protocol.IMAP))) {
      Folder folder = mb.folder("Archive.2024").orElseThrow();
      List<MessageSummary> listed = mb.list(folder);
      assertThat(listed).extracting(MessageSummary::uid).containsExactlyElementsOf(uids);
      assertThat(listed).extracting(s -> s.envelope().subject())
          .containsExactlyElementsOf(IntStream.range(0, 250).mapToObj(batch::subject).toList());
      assertThat(mb.folder("Archive")).as("the parent").isPresent();
    }
  }

  @Test
  void foldersSeededThroughTheMailboxAreCreatedAndFilled() {
    TestUser bob = server.createUser("seed-imap-bob@example.test", "pw");
    try (Mailbox mb = Mailbox.connect(server.settings(bob, Protocol.IMAP))) {
      Seeder.Batch batch = Seeder.messages(20).subjectPrefix("Appended").attachmentSize(2_000);
      Folder projects = batch.appendTo(mb, "Projects");
      Seeder.messages(5).seed(3).appendTo(mb, "Projects");
      List<MessageSummary> listed = mb.list(projects);
      assertThat(listed).hasSize(25);
      assertThat(listed.get(0).envelope().subject()).isEqualTo(batch.subject(0));
      assertThat(mb.fetch(projects, listed.get(19).uid()).attachments()).singleElement()
          .satisfies(a -> assertThat(a.filename()).contains("attachment-19.bin"));
    }
  }
}
