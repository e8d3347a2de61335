package dev.satchel.mail.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Folder;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.UnsupportedCapabilityException;
import dev.satchel.mail.testkit.Seeder;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Seeding folders through a Mailbox, against the in-memory fake (mail-imap does it against a real server). */
class SeederMailboxTest {

  @Test
  void appendToCreatesAMissingFolderAndAppendsEveryMessage() {
    InMemoryMailbox.Account account = new InMemoryMailbox.Account();
    try (InMemoryMailbox mb = new InMemoryMailbox(account, Protocol.IMAP, Set.of())) {
      Seeder.Batch batch = Seeder.messages(25).subjectPrefix("Appended");
      Folder folder = batch.appendTo(mb, "Projects");
      assertThat(folder.fullName()).isEqualTo("Projects");
      assertThat(mb.list(folder)).extracting(s -> s.envelope().subject()).containsExactlyElementsOf(
          java.util.stream.IntStream.range(0, 25).mapToObj(batch::subject).toList());
      Seeder.messages(5).appendTo(mb, "Projects");
      assertThat(mb.list(folder)).hasSize(30);
      assertThat(Seeder.messages(2).appendTo(mb, "INBOX")).isEqualTo(mb.inbox());
      assertThat(mb.list(mb.inbox())).hasSize(2);
    }
  }

  @Test
  void appendToAMailboxWithoutAppendSaysSo() {
    InMemoryMailbox.Account account = new InMemoryMailbox.Account();
    try (InMemoryMailbox mb = new InMemoryMailbox(account, Protocol.POP3, Set.of())) {
      assertThatThrownBy(() -> Seeder.messages(1).appendTo(mb, "INBOX"))
          .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> assertThat(e.capability()).isEqualTo(Capability.APPEND));
    }
  }
}
