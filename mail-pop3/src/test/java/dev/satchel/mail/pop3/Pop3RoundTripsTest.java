package dev.satchel.mail.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.Folder;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.SyncStateStore;
import dev.satchel.mail.testkit.LoopbackServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What a session costs in round trips: after login CAPA and STAT go in one flight where the server
 * offers PIPELINING (never before login is done), and RSET is sent at close only when something was
 * downloaded (a poll with nothing new ends with QUIT alone). The server is {@link FakeMaildrop}.
 */
class Pop3RoundTripsTest {
  private static final List<String> UIDLS = List.of("u1", "u2", "u3");

  /** Every command verb received, in order. */
  private final List<String> commands = new CopyOnWriteArrayList<>();

  @Test
  void aPollWithNothingNewAsksCapaWithStatInOneFlightAndEndsWithQuitAlone() throws Exception {
    try (LoopbackServer server = LoopbackServer.start("pipelining-pop3", s -> FakeMaildrop.serve(s, UIDLS, true, commands))) {
      SyncStateStore store = SyncStateStore.inMemory();
      Map<String, Set<String>> known = Map.of("pop3:u1", Set.of(), "pop3:u2", Set.of(), "pop3:u3", Set.of());
      store.save("k", new SyncState(Folder.INBOX, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), known));
      InboxProcessor processor = InboxProcessor.builder().settings(settings(server.port())).stateStore(store)
          .stateKey("k").afterHandling(AfterHandling.leave()).handler(m -> { }).build();

      assertThat(processor.runOnce().found()).isZero();

      assertThat(commands).containsExactly("CAPA", "USER", "PASS", "CAPA", "STAT" + FakeMaildrop.WITH_CAPA, "UIDL", "QUIT");
    }
  }

  @Test
  void withoutPipeliningCapaAndStatGoOneAtATime() throws Exception {
    try (LoopbackServer server = LoopbackServer.start("plain-pop3", s -> FakeMaildrop.serve(s, UIDLS, false, commands));
        Mailbox mailbox = Mailbox.connect(settings(server.port()))) {
      assertThat(mailbox.status(mailbox.inbox()).messages()).isEqualTo(3L);
      mailbox.close();
      assertThat(commands).containsExactly("CAPA", "USER", "PASS", "CAPA", "STAT", "QUIT");
    }
  }

  @Test
  void aSessionThatDownloadedResetsBeforeQuit() throws Exception {
    try (LoopbackServer server = LoopbackServer.start("pipelining-pop3", s -> FakeMaildrop.serve(s, UIDLS, true, commands));
        Mailbox mailbox = Mailbox.connect(settings(server.port()))) {
      assertThat(mailbox.fetch(mailbox.inbox(), mailbox.list(mailbox.inbox()).get(1).uid()).subject()).isEqualTo("m2");
      mailbox.close();
      assertThat(commands).endsWith("RSET", "QUIT");
    }
  }

  private static MailSettings settings(int port) {
    return MailSettings.builder().server(Protocol.POP3, "127.0.0.1", port, Security.NONE)
        .password("alice@example.test", "pw").readTimeout(Duration.ofSeconds(10)).build();
  }
}
