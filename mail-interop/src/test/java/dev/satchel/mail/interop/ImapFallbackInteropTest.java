package dev.satchel.mail.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Changes;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.SpecialUse;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.Uid;
import dev.satchel.mail.testkit.ConnectionScript;
import dev.satchel.mail.testkit.FaultProxy;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Satchel's fallback paths against the real Dovecot: the testkit's {@link FaultProxy} hides
 * extensions from Dovecot's capability lists (plaintext port 11143, where the proxy can read them), so
 * that the code for servers without CONDSTORE/QRESYNC or MOVE runs against a real server.
 */
@Interop
class ImapFallbackInteropTest {
  private final Harness harness = Harness.get();

  @BeforeEach
  void emptyMailboxes() {
    harness.reset("bob");
  }

  private void seed(String... subjects) {
    for (String s : subjects) {
      Lmtp.deliver(harness.lmtpPort(), "bob@example.test", Mail.raw("bob", s));
    }
  }

  private MailSettings plain() {
    return harness.settings("bob", Protocol.IMAP, Security.NONE);
  }

  @Test
  void withoutCondstoreChangesSinceComparesFlagsAndStillSeesEveryChange() {
    seed("One", "Two");
    try (FaultProxy proxy = FaultProxy.start(Protocol.IMAP, harness.port(Protocol.IMAP, Security.NONE))
        .defaultScript(ConnectionScript.hiding("CONDSTORE", "QRESYNC"))) {
      MailSettings hidden = proxy.route(plain());
      SyncState state;
      try (Mailbox m = Mailbox.connect(hidden)) {
        assertThat(m.capabilities()).doesNotContain(Capability.CHANGES_SINCE).contains(Capability.UNIQUE_IDS);
        Changes first = m.changesSince(m.inbox(), SyncState.initial(Folder.INBOX));
        assertThat(first.added()).hasSize(2);
        state = first.state();
        assertThat(state.highestModSeq()).as("no mod-sequences without CONDSTORE").isEmpty();
      }
      Uid one;
      try (Mailbox direct = Mailbox.connect(plain())) {
        List<MessageSummary> list = direct.list(direct.inbox());
        one = list.get(0).uid();
        direct.addFlags(direct.inbox(), List.of(one), Set.of(Flag.FLAGGED));
        direct.delete(direct.inbox(), List.of(list.get(1).uid()));
      }
      seed("Three");
      try (Mailbox m = Mailbox.connect(hidden)) {
        Changes changes = m.changesSince(m.inbox(), state);
        assertThat(changes.changed()).extracting(MessageSummary::uid).containsExactly(one);
        assertThat(changes.removed()).hasSize(1);
        assertThat(changes.added()).extracting(s -> s.envelope().subject()).containsExactly("Three");
      }
    }
  }

  @Test
  void withoutMoveAMoveIsCopyAndUidExpungeOfExactlyThatMessage() {
    seed("Stay", "Go");
    try (FaultProxy proxy = FaultProxy.start(Protocol.IMAP, harness.port(Protocol.IMAP, Security.NONE))
        .defaultScript(ConnectionScript.hiding("MOVE"));
        Mailbox m = Mailbox.connect(proxy.route(plain()))) {
      assertThat(m.capabilities()).as("MOVE through COPY + UID EXPUNGE (UIDPLUS)").contains(Capability.MOVE);
      // Another message marked \Deleted must survive: UID EXPUNGE names only the moved one.
      List<MessageSummary> list = m.list(m.inbox());
      m.addFlags(m.inbox(), List.of(list.get(0).uid()), Set.of(Flag.DELETED));
      Folder trash = m.specialFolder(SpecialUse.TRASH).orElseThrow();
      List<Uid> moved = m.move(m.inbox(), List.of(list.get(1).uid()), trash);

      assertThat(proxy.commandNames()).contains("UID COPY", "UID EXPUNGE").doesNotContain("UID MOVE", "MOVE");
      assertThat(m.list(trash)).extracting(MessageSummary::uid).containsExactlyElementsOf(moved);
      assertThat(m.list(m.inbox())).extracting(s -> s.envelope().subject()).containsExactly("Stay");
    }
  }
}
