package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.Folder;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.SyncStateStore;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AfterHandling#moveTo} on the testkit's server when the destination folder is missing: the
 * first run fails before anything is handed over, naming the folder and the account, and nothing is
 * lost; {@link AfterHandling.IfMissing#CREATE} creates it; an existing folder is used as it is. The
 * processor talks through {@link ImapProxy}, which counts the commands it sends.
 */
class InboxProcessorMoveTest {
  static TestMailServer server;
  static final AtomicInteger USERS = new AtomicInteger();
  TestUser user;
  ImapProxy proxy;
  final List<String> handled = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() {
    server = TestMailServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void newUserAndProxy() throws IOException {
    user = server.createUser("m" + USERS.incrementAndGet() + "-" + System.nanoTime() + "@example.test", "secret");
    proxy = new ImapProxy(server.port(Protocol.IMAP, Security.NONE), Set.of());
    deliver("one");
    deliver("two");
  }

  @AfterEach
  void closeProxy() {
    proxy.close();
  }

  /** The processor's settings: through the counting proxy. */
  MailSettings viaProxy() {
    return MailSettings.builder().server(Protocol.IMAP, "127.0.0.1", proxy.port(), Security.NONE)
        .credentials(user.credentials()).build();
  }

  void deliver(String subject) {
    server.deliver(user, OutgoingMessage.builder().from("bob@example.test").to(user.address()).subject(subject)
        .text("body of " + subject).build());
  }

  InboxProcessor.Builder processor(AfterHandling after, SyncStateStore store) {
    return InboxProcessor.builder().settings(viaProxy()).stateStore(store).stateKey("k").afterHandling(after)
        .handler(m -> handled.add(m.subject()));
  }

  /** A folder's subjects as a second, direct connection sees them; empty when the folder is missing. */
  Optional<List<String>> subjects(String folder) {
    try (Mailbox m = Mailbox.connect(server.settings(user, Protocol.IMAP))) {
      Optional<Folder> f = folder.equals("INBOX") ? Optional.of(m.inbox()) : m.folder(folder);
      return f.map(x -> m.list(x).stream().map(s -> s.envelope().subject()).toList());
    }
  }

  void createFolder(String name) {
    try (Mailbox m = Mailbox.connect(server.settings(user, Protocol.IMAP))) {
      m.createFolder(name);
    }
  }

  @Test
  void aMissingFolderFailsTheFirstRunBeforeAnyMessageIsHandedOverAndNothingIsLost() {
    SyncStateStore store = SyncStateStore.inMemory();
    InboxProcessor p = processor(AfterHandling.moveTo("Done"), store).build();

    assertThatThrownBy(p::runOnce).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("\"Done\" does not exist")
        .hasMessageContaining(user.address())
        .hasMessageContaining("127.0.0.1:" + proxy.port())
        .hasMessageContaining("AfterHandling.moveTo(\"Done\", AfterHandling.IfMissing.CREATE)")
        .hasMessageNotContaining("refused");
    assertThat(handled).isEmpty();
    assertThat(proxy.count("UID FETCH")).as("no message downloaded").isZero();
    assertThat(proxy.count("UID MOVE") + proxy.count("UID COPY") + proxy.count("CREATE")).isZero();
    assertThat(store.load("k")).as("nothing recorded as handled").isEmpty();
    assertThat(subjects("INBOX")).contains(List.of("one", "two"));

    // Every run fails the same way until the folder exists; then both messages go through once.
    assertThatThrownBy(p::runOnce).isInstanceOf(IllegalStateException.class);
    assertThat(handled).isEmpty();
    createFolder("Done");
    InboxProcessor.Report report = p.runOnce();
    assertThat(report.handled()).isEqualTo(2);
    assertThat(report.acknowledged()).isEqualTo(2);
    assertThat(handled).containsExactly("one", "two");
    assertThat(subjects("INBOX")).contains(List.of());
    assertThat(subjects("Done")).contains(List.of("one", "two"));
  }

  @Test
  void oneRunLogsInOnceOnOneConnection() {
    InboxProcessor p = processor(AfterHandling.moveTo("Processed", AfterHandling.IfMissing.CREATE),
        SyncStateStore.inMemory()).build();
    proxy.resetCounts();

    InboxProcessor.Report report = p.runOnce();

    assertThat(report.handled()).isEqualTo(2);
    // before the own engine: two connections and two logins (a second one for STATUS and LIST)
    assertThat(proxy.commandsByConnection()).as("connections").hasSize(1);
    assertThat(proxy.count("LOGIN") + proxy.count("AUTHENTICATE")).as("logins").isEqualTo(1);
  }

  @Test
  void createMakesTheMissingFolderAndMovesMessagesIntoIt() {
    InboxProcessor p = processor(AfterHandling.moveTo("Processed", AfterHandling.IfMissing.CREATE),
        SyncStateStore.inMemory()).build();

    InboxProcessor.Report report = p.runOnce();
    assertThat(report.handled()).isEqualTo(2);
    assertThat(report.acknowledged()).isEqualTo(2);
    assertThat(proxy.count("CREATE")).isEqualTo(1);
    assertThat(subjects("Processed")).contains(List.of("one", "two"));
    assertThat(subjects("INBOX")).contains(List.of());

    // The folder exists now: later runs use it and create nothing.
    deliver("three");
    assertThat(p.runOnce().acknowledged()).isEqualTo(1);
    assertThat(proxy.count("CREATE")).isEqualTo(1);
    assertThat(subjects("Processed")).contains(List.of("one", "two", "three"));
    assertThat(handled).containsExactly("one", "two", "three");
  }

  @Test
  void anExistingFolderIsUsedAsItIsWithEitherOption() {
    createFolder("Done");
    InboxProcessor p = processor(AfterHandling.moveTo("Done", AfterHandling.IfMissing.CREATE),
        SyncStateStore.inMemory()).build();
    assertThat(p.runOnce().acknowledged()).isEqualTo(2);
    assertThat(proxy.count("CREATE")).isZero();

    deliver("three");
    InboxProcessor q = processor(AfterHandling.moveTo("Done"), SyncStateStore.inMemory()).build();
    assertThat(q.runOnce().acknowledged()).isEqualTo(1);
    assertThat(subjects("Done")).contains(List.of("one", "two", "three"));
    assertThat(handled).containsExactly("one", "two", "three");
  }

  @Test
  void aMoveTheServerRefusesIsRetriedOnTheNextRunWithoutHandingTheMessageOverAgain() {
    createFolder("Done");
    // The folder disappears while the first message is being handled: the server refuses that move.
    InboxProcessor p = processor(AfterHandling.moveTo("Done"), SyncStateStore.inMemory())
        .handler(m -> {
          if (handled.isEmpty()) {
            try (Mailbox other = Mailbox.connect(server.settings(user, Protocol.IMAP))) {
              other.deleteFolder(other.folder("Done").orElseThrow());
            }
          }
          handled.add(m.subject());
        })
        .build();
    InboxProcessor.Report first = p.runOnce();
    assertThat(first.handled()).isEqualTo(2);
    assertThat(first.acknowledged()).isZero();
    assertThat(proxy.count("UID MOVE") + proxy.count("UID COPY")).as("the moves were sent and refused").isPositive();
    assertThat(subjects("INBOX")).contains(List.of("one", "two"));

    createFolder("Done");
    InboxProcessor.Report second = p.runOnce();
    assertThat(second.found()).isZero();
    assertThat(second.acknowledged()).isEqualTo(2);
    assertThat(handled).containsExactly("one", "two");
    assertThat(subjects("Done")).contains(List.of("one", "two"));
  }

  @Test
  void aRunningProcessorReportsTheMissingFolderAndGoesOnOnceItExists() {
    InboxProcessor p = processor(AfterHandling.moveTo("Done"), SyncStateStore.inMemory()).build();
    List<Exception> failures = new CopyOnWriteArrayList<>();
    try (InboxProcessor.Running running = p.start(Duration.ofHours(1), new InboxProcessor.Listener() {
      @Override
      public void onFailure(Exception cause, Duration retryIn) {
        failures.add(cause);
        Await.signal();
      }
    })) {
      Await.until(() -> !failures.isEmpty(), "the first run fails");
      assertThat(failures.get(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("\"Done\" does not exist");
      assertThat(handled).isEmpty();
      assertThat(running.isRunning()).isTrue();

      createFolder("Done");
      running.runNow();
      Await.until(() -> handled.size() == 2 && subjects("Done").orElse(List.of()).size() == 2,
          "both messages handled and moved once the folder exists");
    }
    assertThat(handled).containsExactly("one", "two");
  }
}
