package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Uid;
import dev.satchel.mail.UnsupportedCapabilityException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The capability invariant: each operation works when its capability is present and throws
 * {@link UnsupportedCapabilityException} when absent. Capabilities are hidden by a proxy that edits
 * the server's CAPABILITY lists, so the same server plays both parts.
 */
class ImapCapabilityTest {
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
  void withoutMoveUidplusQuotaIdleAndKeywordsThoseOperationsThrow() throws Exception {
    GreenMailImap.User u = server.newUser();
    server.deliver(u, "INBOX", "a", "1");
    try (ImapProxy proxy = new ImapProxy(server.port(), Set.of("MOVE", "UIDPLUS", "QUOTA", "IDLE", "KEYWORDS"));
        Mailbox m = Mailbox.connect(GreenMailImap.settings(u, proxy.port()))) {
      assertThat(m.capabilities()).doesNotContain(Capability.MOVE, Capability.QUOTA, Capability.PUSH, Capability.KEYWORDS);
      Folder other = m.createFolder("Other");
      Uid uid = m.list(m.inbox()).get(0).uid();
      assertThatThrownBy(() -> m.move(m.inbox(), List.of(uid), other))
          .isInstanceOf(UnsupportedCapabilityException.class)
          .satisfies(e -> assertThat(((UnsupportedCapabilityException) e).capability()).isEqualTo(Capability.MOVE));
      assertThatThrownBy(m::quota).isInstanceOf(UnsupportedCapabilityException.class);
      assertThatThrownBy(() -> m.addKeywords(m.inbox(), List.of(uid), Set.of("$Label")))
          .isInstanceOf(UnsupportedCapabilityException.class);
      assertThatThrownBy(() -> m.removeKeywords(m.inbox(), List.of(uid), Set.of("$Label")))
          .isInstanceOf(UnsupportedCapabilityException.class);
      // what stays present still works
      m.copy(m.inbox(), List.of(uid), other);
      assertThat(m.list(other)).hasSize(1);
      m.addFlags(m.inbox(), List.of(uid), Set.of(Flag.FLAGGED));
      assertThat(m.list(m.inbox()).get(0).flags()).contains(Flag.FLAGGED);
    }
  }

  @Test
  void withUidplusButNoMoveMoveExpungesOnlyTheNamedMessages() throws Exception {
    GreenMailImap.User u = server.newUser();
    server.deliver(u, "INBOX", "move me", "1");
    server.deliver(u, "INBOX", "marked by someone else", "2");
    try (ImapProxy proxy = new ImapProxy(server.port(), Set.of("MOVE"));
        ImapMailbox m = (ImapMailbox) Mailbox.connect(GreenMailImap.settings(u, proxy.port()))) {
      assertThat(m.has("MOVE")).isFalse();
      assertThat(m.has("UIDPLUS")).isTrue();
      assertThat(m.capabilities()).contains(Capability.MOVE);
      Folder target = m.createFolder("Target");
      List<MessageSummary> all = m.list(m.inbox());
      m.addFlags(m.inbox(), List.of(all.get(1).uid()), Set.of(Flag.DELETED));
      List<Uid> moved = m.move(m.inbox(), List.of(all.get(0).uid()), target);
      assertThat(moved).hasSize(1);
      assertThat(proxy.count("UID EXPUNGE")).isEqualTo(1);
      assertThat(proxy.count("EXPUNGE")).isZero();
      assertThat(m.list(m.inbox())).extracting(MessageSummary::uid).containsExactly(all.get(1).uid());
      assertThat(m.list(target)).extracting(s -> s.envelope().subject()).containsExactly("move me");
    }
  }

  @Test
  void withoutUidplusDeleteRefusesWhenOtherMessagesAreMarkedDeleted() throws Exception {
    GreenMailImap.User u = server.newUser();
    server.deliver(u, "INBOX", "delete me", "1");
    server.deliver(u, "INBOX", "marked by someone else", "2");
    server.deliver(u, "INBOX", "delete me later", "3");
    try (ImapProxy proxy = new ImapProxy(server.port(), Set.of("UIDPLUS"));
        Mailbox m = Mailbox.connect(GreenMailImap.settings(u, proxy.port()))) {
      List<MessageSummary> all = m.list(m.inbox());
      m.addFlags(m.inbox(), List.of(all.get(1).uid()), Set.of(Flag.DELETED));
      assertThatThrownBy(() -> m.delete(m.inbox(), List.of(all.get(0).uid())))
          .isInstanceOf(MailCommandException.class).hasMessageContaining("\\Deleted");
      assertThat(m.list(m.inbox())).hasSize(3);
      m.removeFlags(m.inbox(), List.of(all.get(1).uid()), Set.of(Flag.DELETED));
      m.delete(m.inbox(), List.of(all.get(0).uid()));
      assertThat(m.list(m.inbox())).extracting(MessageSummary::uid).containsExactly(all.get(1).uid(), all.get(2).uid());
      assertThat(proxy.count("UID EXPUNGE")).isZero();
    }
  }

  @Test
  void withoutMoveAndUidplusMoveIsAbsent() throws Exception {
    GreenMailImap.User u = server.newUser();
    try (ImapProxy proxy = new ImapProxy(server.port(), Set.of("MOVE", "UIDPLUS"));
        Mailbox m = Mailbox.connect(GreenMailImap.settings(u, proxy.port()))) {
      assertThat(m.supports(Capability.MOVE)).isFalse();
      assertThat(m.supports(Capability.COPY)).isTrue();
    }
  }
}
