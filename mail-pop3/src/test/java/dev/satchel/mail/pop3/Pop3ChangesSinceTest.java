package dev.satchel.mail.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.Changes;
import dev.satchel.mail.Folder;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.SyncStateStore;
import dev.satchel.mail.Uid;
import dev.satchel.mail.testkit.LoopbackServer;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@code changesSince} against maildrops whose UIDL lists come in any order, with repeated ids too:
 * it builds the new state without a hash map when the ids come sorted, and skips the search for
 * removed ids when the counts show none; the outcome must be what a plain set computation gives.
 */
class Pop3ChangesSinceTest {
  private static final List<String> UIDLS = List.of("a", "b", "c", "d", "e", "f", "10", "9", "Z");

  static Gen<List<String>> uidls() {
    return lists().of(Generate.pick(UIDLS)).ofSizeBetween(0, 8);
  }

  @Test
  void reportsWhatASetComputationReports() throws IOException {
    AtomicReference<List<String>> maildrop = new AtomicReference<>(List.of());
    try (LoopbackServer server = LoopbackServer.start("uidl-order-pop3", s -> serve(s, maildrop.get()))) {
      MailSettings settings = settings(server.port());
      qt().withExamples(150).forAll(uidls(), lists().of(Generate.pick(UIDLS)).ofSizeBetween(0, 6))
          .checkAssert((drop, before) -> {
            maildrop.set(drop);
            Map<String, Set<String>> known = new TreeMap<>();
            before.forEach(u -> known.put("pop3:" + u, Set.of()));
            SyncState state = new SyncState(Folder.INBOX, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), known);
            Changes changes;
            try (Mailbox mailbox = Mailbox.connect(settings)) {
              changes = mailbox.changesSince(mailbox.inbox(), state);
            }
            List<String> wantAdded = new ArrayList<>();
            for (String u : drop) {
              if (!known.containsKey("pop3:" + u)) {
                wantAdded.add("pop3:" + u);
              }
            }
            List<String> wantRemoved = new ArrayList<>();
            Set<String> present = new LinkedHashSet<>();
            drop.forEach(u -> present.add("pop3:" + u));
            for (String id : known.keySet()) {
              if (!present.contains(id)) {
                wantRemoved.add(id);
              }
            }
            assertThat(changes.added()).extracting(m -> m.uid().asString()).containsExactlyElementsOf(wantAdded);
            assertThat(changes.removed()).extracting(Uid::asString).containsExactlyElementsOf(wantRemoved);
            assertThat(new ArrayList<>(changes.state().known().keySet())).containsExactlyElementsOf(new TreeSet<>(present));
            assertThat(changes.state().known().values()).allSatisfy(flags -> assertThat(flags).isEmpty());
          });
    }
  }

  @Test
  void theProcessorHandsOverOnlyNewMessagesWhateverTheUidlOrder() throws IOException {
    AtomicReference<List<String>> maildrop = new AtomicReference<>(List.of("9", "10", "b", "a"));
    try (LoopbackServer server = LoopbackServer.start("uidl-order-pop3", s -> serve(s, maildrop.get()))) {
      List<String> handled = new ArrayList<>();
      SyncStateStore store = SyncStateStore.inMemory();
      InboxProcessor processor = InboxProcessor.builder().settings(settings(server.port())).stateStore(store)
          .stateKey("k").afterHandling(AfterHandling.leave()).handler(m -> handled.add(m.uid().asString())).build();
      assertThat(processor.runOnce().handled()).isEqualTo(4);
      assertThat(handled).containsExactly("pop3:9", "pop3:10", "pop3:b", "pop3:a");
      maildrop.set(List.of("c", "9", "a", "e", "10"));
      assertThat(processor.runOnce().handled()).isEqualTo(2);
      assertThat(handled).endsWith("pop3:c", "pop3:e");
      assertThat(store.load("k").orElseThrow().known().keySet())
          .containsExactly("pop3:10", "pop3:9", "pop3:a", "pop3:c", "pop3:e");
      assertThat(processor.runOnce().found()).isZero();
    }
  }

  @Test
  void aStateWithIdsThatAreNoPop3IdsIsRefused() throws IOException {
    try (LoopbackServer server = LoopbackServer.start("uidl-order-pop3", s -> serve(s, List.of("a", "b")))) {
      for (String bad : List.of("imap:7/1", "pop3:has space", "pop3:", "garbage")) {
        SyncState state = new SyncState(Folder.INBOX, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
            Map.of("pop3:a", Set.of(), bad, Set.of()));
        try (Mailbox mailbox = Mailbox.connect(settings(server.port()))) {
          assertThatThrownBy(() -> mailbox.changesSince(mailbox.inbox(), state))
              .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad.substring(bad.indexOf(':') + 1));
        }
      }
    }
  }

  private static MailSettings settings(int port) {
    return MailSettings.builder().server(Protocol.POP3, "127.0.0.1", port, Security.NONE)
        .password("alice@example.test", "pw").readTimeout(Duration.ofSeconds(10)).build();
  }

  /** A healthy POP3 server whose maildrop holds one message per entry of {@code uidls}, with those UIDLs. */
  private static void serve(Socket s, List<String> uidls) throws IOException {
    FakeMaildrop.serve(s, uidls, false, new ArrayList<>());
  }
}
