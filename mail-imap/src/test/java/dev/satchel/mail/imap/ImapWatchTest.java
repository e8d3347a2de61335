package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Changes;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.MailException;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxListener;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Watch;
import dev.satchel.mail.events.WatchReconnectEvent;
import dev.satchel.mail.testkit.RecordingEventListener;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code watch}: push by IDLE (or polling), reconnect after a cut, and no event lost in the gap. */
class ImapWatchTest {
  static GreenMailImap server;
  static final MailboxOptions FAST = MailboxOptions.builder()
      .pollInterval(Duration.ofMillis(200))
      .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(400))
      .build();

  @BeforeAll
  static void start() {
    server = new GreenMailImap();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Records what the watch reports. */
  static final class Recorder implements MailboxListener {
    final List<MessageSummary> added = new CopyOnWriteArrayList<>();
    final List<MessageSummary> changed = new CopyOnWriteArrayList<>();
    final List<dev.satchel.mail.Uid> removed = new CopyOnWriteArrayList<>();
    final List<MailException> drops = new CopyOnWriteArrayList<>();

    @Override
    public void onChanges(Folder folder, Changes changes) {
      assertThat(changes.isEmpty()).isFalse();
      added.addAll(changes.added());
      changed.addAll(changes.changed());
      removed.addAll(changes.removed());
      Await.signal();
    }

    @Override
    public void onDisconnected(MailException cause, Duration retryIn) {
      drops.add(cause);
      Await.signal();
    }

    boolean hasSubject(String subject) {
      return added.stream().anyMatch(m -> m.envelope().subject().equals(subject));
    }
  }

  static void await(BooleanSupplier condition, String what) {
    Await.until(condition, what);
  }


  private void watchReportsDeliveriesAcrossACut(Set<String> hidden) throws Exception {
    GreenMailImap.User u = server.newUser();
    server.deliver(u, "INBOX", "already there", "x");
    RecordingEventListener events = new RecordingEventListener();
    try (ImapProxy proxy = new ImapProxy(server.port(), hidden);
        Mailbox m = Mailbox.connect(GreenMailImap.settings(u, proxy.port()).toBuilder().eventListener(events).build(),
            FAST)) {
      Recorder rec = new Recorder();
      try (Watch w = m.watch(m.inbox(), rec)) {
        assertThat(w.isRunning()).isTrue();
        server.deliver(u, "INBOX", "first", "x");
        await(() -> rec.hasSubject("first"), "the first delivery is reported");

        proxy.refuse(true);
        proxy.cutAll();
        await(() -> !rec.drops.isEmpty(), "the cut is reported");
        server.deliver(u, "INBOX", "in the gap", "x");
        proxy.refuse(false);
        await(() -> rec.hasSubject("in the gap"), "the delivery in the gap is reported after reconnecting");

        server.deliver(u, "INBOX", "after", "x");
        await(() -> rec.hasSubject("after"), "deliveries after the reconnect are reported");
        assertThat(rec.added).extracting(s -> s.envelope().subject()).doesNotContain("already there")
            .containsOnlyOnce("first", "in the gap", "after");
      }
      assertThat(events.of(WatchReconnectEvent.class)).isNotEmpty()
          .allSatisfy(e -> assertThat(e.protocol()).isEqualTo(Protocol.IMAP));
    }
  }

  @Test
  void idleReportsDeliveriesAndWhatArrivedWhileTheConnectionWasCut() throws Exception {
    watchReportsDeliveriesAcrossACut(Set.of());
  }

  @Test
  void pollingDoesTheSameWhereIdleIsAbsent() throws Exception {
    watchReportsDeliveriesAcrossACut(Set.of("IDLE"));
  }

  @Test
  void idleIsReissuedAfterTheConfiguredInterval() throws Exception {
    GreenMailImap.User u = server.newUser();
    MailboxOptions options = FAST.toBuilder().idleRestart(Duration.ofSeconds(1)).build();
    try (ImapProxy proxy = new ImapProxy(server.port(), Set.of());
        Mailbox m = Mailbox.connect(GreenMailImap.settings(u, proxy.port()), options)) {
      Recorder rec = new Recorder();
      try (Watch w = m.watch(m.inbox(), rec)) {
        await(() -> proxy.count("IDLE") >= 3, "IDLE was ended and re-issued twice");
        server.deliver(u, "INBOX", "still pushed", "x");
        await(() -> rec.hasSubject("still pushed"), "a delivery after the re-issues is reported");
        assertThat(rec.drops).isEmpty();
      }
    }
  }

  @Test
  void aServerThatStopsAnsweringIsCutAndReconnected() throws Exception {
    GreenMailImap.User u = server.newUser();
    MailboxOptions options = FAST.toBuilder().idleRestart(Duration.ofSeconds(1)).build();
    try (ImapProxy proxy = new ImapProxy(server.port(), Set.of())) {
      dev.satchel.mail.MailSettings settings = GreenMailImap.settings(u, proxy.port()).toBuilder()
          .readTimeout(Duration.ofSeconds(1)).build();
      try (Mailbox m = Mailbox.connect(settings, options)) {
        Recorder rec = new Recorder();
        try (Watch w = m.watch(m.inbox(), rec)) {
          await(() -> proxy.count("IDLE") >= 1, "the watch is idling");
          proxy.stall(true);
          await(() -> !rec.drops.isEmpty(), "the silent server is noticed and the connection cut");
          proxy.stall(false);
          server.deliver(u, "INBOX", "after the stall", "x");
          await(() -> rec.hasSubject("after the stall"), "the watch reconnected and reports again");
        }
      }
    }
  }

  @Test
  void reportsFlagChangesFromAnotherConnection() {
    GreenMailImap.User u = server.newUser();
    server.deliver(u, "INBOX", "to flag", "x");
    try (Mailbox m = Mailbox.connect(server.settings(u), FAST); Mailbox other = Mailbox.connect(server.settings(u))) {
      Recorder rec = new Recorder();
      try (Watch w = m.watch(m.inbox(), rec)) {
        MessageSummary s = other.list(other.inbox()).get(0);
        other.addFlags(other.inbox(), List.of(s.uid()), Set.of(Flag.FLAGGED));
        await(() -> rec.changed.stream().anyMatch(c -> c.flags().contains(Flag.FLAGGED)), "the flag change is reported");
      }
    }
  }

  @Test
  void closingTheWatchStopsItAndClosesItsConnection() throws Exception {
    GreenMailImap.User u = server.newUser();
    try (ImapProxy proxy = new ImapProxy(server.port(), Set.of());
        Mailbox m = Mailbox.connect(GreenMailImap.settings(u, proxy.port()), FAST)) {
      Recorder rec = new Recorder();
      Watch w = m.watch(m.inbox(), rec);
      server.deliver(u, "INBOX", "one", "x");
      await(() -> rec.hasSubject("one"), "the delivery is reported");
      w.close();
      w.close();
      assertThat(w.isRunning()).isFalse();
      await(() -> Thread.getAllStackTraces().keySet().stream()
          .noneMatch(t -> t.getName().startsWith("satchel-imap-watch") && t.isAlive()), "the watch threads end");
      server.deliver(u, "INBOX", "two", "x");
      assertThat(m.list(m.inbox())).hasSize(2); // the mailbox itself is still usable
      assertThat(rec.hasSubject("two")).isFalse();
    }
  }
}
