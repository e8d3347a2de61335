package dev.satchel.mail.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Changes;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Watch;
import dev.satchel.mail.testkit.ConnectionScript;
import dev.satchel.mail.testkit.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code watch} without IDLE (hidden by the testkit's FaultProxy) polls Dovecot, and reports every
 * delivery even when deliveries race with its polls.
 */
@Interop
class ImapPollingInteropTest {
  private final Harness harness = Harness.get();

  @Test
  void withoutIdleAPollingWatchReportsEveryDelivery() throws InterruptedException {
    harness.reset("bob");
    List<String> subjects = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      subjects.add(Mail.uniqueSubject("Polled " + i));
    }
    BlockingQueue<Changes> seen = new LinkedBlockingQueue<>();
    MailboxOptions fastPolling = MailboxOptions.builder().pollInterval(Duration.ofMillis(100)).build();
    try (FaultProxy proxy = FaultProxy.start(Protocol.IMAP, harness.port(Protocol.IMAP, Security.NONE))
        .defaultScript(ConnectionScript.hiding("IDLE"));
        Mailbox m = Mailbox.connect(proxy.route(harness.settings("bob", Protocol.IMAP, Security.NONE)), fastPolling);
        Watch watch = m.watch(m.inbox(), (f, c) -> seen.add(c))) {
      assertThat(m.capabilities()).doesNotContain(Capability.PUSH);
      for (String s : subjects) { // deliveries race with the 100 ms polls
        Lmtp.deliver(harness.lmtpPort(), "bob@example.test", Mail.raw("bob", s));
      }
      Set<String> reported = ConcurrentHashMap.newKeySet();
      long deadline = System.nanoTime() + Mail.DELIVERY.toNanos();
      while (!reported.containsAll(subjects) && System.nanoTime() < deadline) {
        Changes c = seen.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (c != null) {
          c.added().forEach(s -> reported.add(s.envelope().subject()));
        }
      }
      assertThat(reported).as("every delivery is reported by the polling watch").containsAll(subjects);
      assertThat(proxy.commandNames()).doesNotContain("IDLE");
    }
  }
}
