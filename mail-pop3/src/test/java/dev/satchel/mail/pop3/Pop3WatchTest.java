package dev.satchel.mail.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Changes;
import dev.satchel.mail.Folder;
import dev.satchel.mail.MailException;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxListener;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Watch;
import dev.satchel.mail.events.WatchReconnectEvent;
import dev.satchel.mail.testkit.RecordingEventListener;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code Mailbox.watch} over POP3: polling, with a short interval so the tests wait briefly. */
class Pop3WatchTest {
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long DEADLINE_SECONDS = 30;

  private Pop3Fixture server;

  @BeforeEach
  void start() {
    server = new Pop3Fixture();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Collects every onChanges call; counts disconnections. */
  private static final class Recorder implements MailboxListener {
    final BlockingQueue<Changes> changes = new LinkedBlockingQueue<>();
    final CountDownLatch disconnected = new CountDownLatch(1);

    @Override
    public void onChanges(Folder folder, Changes c) {
      assertThat(folder.isInbox()).isTrue();
      changes.add(c);
    }

    @Override
    public void onDisconnected(MailException cause, Duration retryIn) {
      disconnected.countDown();
    }

    Changes next() throws InterruptedException {
      Changes c = changes.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
      assertThat(c).as("no change reported within %s s", DEADLINE_SECONDS).isNotNull();
      return c;
    }
  }

  private static List<String> subjects(Changes c) {
    return c.added().stream().map(m -> m.envelope().subject()).toList();
  }

  private static Watch watch(Mailbox mailbox, MailboxListener listener) {
    return ((Pop3Mailbox) mailbox).watch(mailbox.inbox(), listener, POLL);
  }

  @Test
  void reportsMessagesDeliveredAndRemovedDuringTheWatch() throws Exception {
    server.deliver("before");
    Recorder recorder = new Recorder();
    try (Mailbox mailbox = Mailbox.connect(server.settings()); Watch watch = watch(mailbox, recorder)) {
      assertThat(watch.isRunning()).isTrue();
      server.deliver("during");
      Changes first = recorder.next();
      assertThat(subjects(first)).as("what was there at the start is not reported").containsExactly("during");
      assertThat(first.removed()).isEmpty();

      try (Mailbox other = Mailbox.connect(server.settings())) {
        other.delete(other.inbox(), List.of(other.list(other.inbox()).get(0).uid()));
      }
      Changes second = recorder.next();
      assertThat(second.added()).isEmpty();
      assertThat(second.removed()).hasSize(1);
    }
  }

  @Test
  void keepsPollingAfterALostConnectionAndReportsWhatArrivedInTheGap() throws Exception {
    try (Pop3Proxy proxy = new Pop3Proxy(server.pop3Port())) {
      Recorder recorder = new Recorder();
      RecordingEventListener events = new RecordingEventListener();
      try (Mailbox mailbox = Mailbox.connect(server.settings(proxy.port()).toBuilder().eventListener(events).build());
          Watch watch = watch(mailbox, recorder)) {
        // Every poll opens a new session; cut each one as it opens the maildrop.
        proxy.cutBefore(line -> line.startsWith("STAT"));
        assertThat(recorder.disconnected.await(DEADLINE_SECONDS, TimeUnit.SECONDS)).isTrue();
        server.deliver("in the gap");
        proxy.heal();
        assertThat(subjects(recorder.next())).containsExactly("in the gap");
        assertThat(watch.isRunning()).isTrue();
      }
      assertThat(events.of(WatchReconnectEvent.class)).isNotEmpty()
          .allSatisfy(e -> assertThat(e.protocol()).isEqualTo(Protocol.POP3));
    }
  }

  @Test
  void closeStopsTheWatch() {
    try (Mailbox mailbox = Mailbox.connect(server.settings())) {
      Watch watch = watch(mailbox, new Recorder());
      watch.close();
      watch.close();
      assertThat(watch.isRunning()).isFalse();
    }
  }

  @Test
  void startingAWatchListsIdsOnlyWithoutDownloadingHeaders() throws Exception {
    server.deliver("one");
    server.deliver("two");
    try (Pop3Proxy proxy = new Pop3Proxy(server.pop3Port())) {
      proxy.capa(Set.of("TOP"), Set.of());
      try (Mailbox mailbox = Mailbox.connect(server.settings(proxy.port()))) {
        Watch watch = ((Pop3Mailbox) mailbox).watch(mailbox.inbox(), new Recorder(), Duration.ofHours(1));
        watch.close();
      }
      assertThat(proxy.count("UIDL")).isEqualTo(1);
      assertThat(proxy.count("TOP")).isZero();
      assertThat(proxy.count("RETR")).isZero();
    }
  }
}
