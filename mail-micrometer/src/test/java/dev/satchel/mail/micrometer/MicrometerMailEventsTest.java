package dev.satchel.mail.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.SyncStateStore;
import dev.satchel.mail.Transport;
import dev.satchel.mail.events.CommandEvent;
import dev.satchel.mail.events.WatchReconnectEvent;
import dev.satchel.mail.testkit.RecipientPolicy;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MicrometerMailEvents} over real sessions on the testkit's server: meter names, tags and
 * counts, and no tag value that could be an address.
 */
class MicrometerMailEventsTest {
  TestMailServer server;
  SimpleMeterRegistry registry;
  MicrometerMailEvents metrics;

  @BeforeEach
  void start() {
    server = TestMailServer.start();
    registry = new SimpleMeterRegistry();
    metrics = new MicrometerMailEvents(registry);
  }

  @AfterEach
  void stop() {
    server.close();
    registry.close();
  }

  MailSettings settings(TestUser user, Protocol protocol, String account) {
    return server.settings(user, protocol).toBuilder().accountName(account).eventListener(metrics).build();
  }

  void assertNoAddressInAnyTag() {
    assertThat(registry.getMeters()).isNotEmpty().allSatisfy(m -> assertThat(m.getId().getTags())
        .extracting(Tag::getValue).allSatisfy(v -> assertThat(v).doesNotContain("@")));
  }

  @Test
  void anImapSessionRecordsConnectionLoginAndCommands() {
    TestUser alice = server.createUser("alice@example.test", "alice-pw-5e1");
    try (Mailbox m = Mailbox.connect(settings(alice, Protocol.IMAP, "support"))) {
      m.list(m.inbox());
    }

    assertThat(registry.get("satchel.connection").tags("account", "support", "protocol", "imap", "outcome", "ok")
        .timer().count()).isEqualTo(1);
    assertThat(registry.get("satchel.login").tags("account", "support", "protocol", "imap", "outcome", "ok")
        .timer().count()).isEqualTo(1);
    assertThat(registry.get("satchel.command").tags("account", "support", "command", "SELECT", "outcome", "ok")
        .timer().count()).isEqualTo(1);
    assertThat(registry.find("satchel.command").timers()).extracting(t -> t.getId().getTag("command"))
        .isSubsetOf(MicrometerMailEvents.KNOWN_COMMANDS);
    assertNoAddressInAnyTag();
  }

  @Test
  void aSendWithARefusedRecipientCountsAcceptedAndRejected() {
    TestUser alice = server.createUser("alice@example.test", "alice-pw-5e1");
    server.recipientPolicy(RecipientPolicy.builder().reject("blocked@example.test").build());
    try (Transport smtp = Transport.connect(settings(alice, Protocol.SMTP, "outbound"))) {
      smtp.send(OutgoingMessage.builder().from("alice@example.test").to("ok@example.test", "blocked@example.test")
          .subject("hello").text("Hello").build());
      smtp.send(OutgoingMessage.builder().from("alice@example.test").to("ok@example.test").subject("again")
          .text("Hello").build());
    }

    assertThat(registry.get("satchel.send").tags("account", "outbound", "outcome", "partial").timer().count())
        .isEqualTo(1);
    assertThat(registry.get("satchel.send").tags("account", "outbound", "outcome", "sent").timer().count())
        .isEqualTo(1);
    assertThat(registry.get("satchel.send.recipients").tags("account", "outbound", "result", "accepted").counter()
        .count()).isEqualTo(2.0);
    assertThat(registry.get("satchel.send.recipients").tags("account", "outbound", "result", "rejected").counter()
        .count()).isEqualTo(1.0);
    assertThat(registry.get("satchel.command").tags("protocol", "smtp", "command", "RCPT", "outcome", "permanent")
        .timer().count()).isEqualTo(1);
    assertNoAddressInAnyTag();
  }

  @Test
  void aProcessorRunCountsOutcomesAndSetsTheLagGauge() {
    TestUser bob = server.createUser("bob@example.test", "bob-pw-77a");
    for (String subject : new String[] {"fine", "broken"}) {
      server.deliver(bob, OutgoingMessage.builder().from("carol@example.test").to(bob.address()).subject(subject)
          .text("body").build());
    }
    InboxProcessor p = InboxProcessor.builder()
        .settings(settings(bob, Protocol.IMAP, "inbox"))
        .stateStore(SyncStateStore.inMemory())
        .afterHandling(AfterHandling.leave())
        .maxFailures(2)
        .handler(m -> {
          if (m.subject().equals("broken")) {
            throw new IllegalStateException("cannot handle it");
          }
        })
        .build();

    p.runOnce();
    p.runOnce();

    assertThat(registry.get("satchel.processor.messages").tags("account", "inbox", "outcome", "handled").counter()
        .count()).isEqualTo(1.0);
    assertThat(registry.get("satchel.processor.messages").tags("account", "inbox", "outcome", "failed").counter()
        .count()).isEqualTo(2.0);
    assertThat(registry.get("satchel.processor.messages").tags("account", "inbox", "outcome", "dead-lettered")
        .counter().count()).isEqualTo(1.0);
    // the second run dead-lettered the last unhandled message: nothing is behind any more
    assertThat(registry.get("satchel.processor.lag").tags("account", "inbox").gauge().value()).isZero();
    assertNoAddressInAnyTag();
  }

  @Test
  void unknownCommandsAndAddressesInAccountNamesDoNotBecomeTags() {
    metrics.commandCompleted(new CommandEvent("a@b", Protocol.IMAP, "XWEIRD", Duration.ofMillis(3), "ok"));
    metrics.watchReconnected(new WatchReconnectEvent("support", Protocol.POP3));

    assertThat(registry.get("satchel.command").tags("account", "a_b", "command", "other").timer().count())
        .isEqualTo(1);
    assertThat(registry.get("satchel.watch.reconnects").tags("account", "support", "protocol", "pop3").counter()
        .count()).isEqualTo(1.0);
    assertThat(registry.getMeters()).extracting(Meter::getId).extracting(Meter.Id::getName)
        .allSatisfy(n -> assertThat(n).startsWith("satchel."));
    assertNoAddressInAnyTag();
  }
}
