package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Security;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.Transport;
import dev.satchel.mail.events.CommandEvent;
import dev.satchel.mail.events.LoginEvent;
import dev.satchel.mail.events.MailEventListener;
import dev.satchel.mail.events.SendEvent;
import dev.satchel.mail.testkit.RecipientPolicy;
import dev.satchel.mail.testkit.RecordingEventListener;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestMailServerExtension;
import dev.satchel.mail.testkit.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Events of SMTP sends on the testkit's server: per-recipient counts and outcomes, commands by verb,
 * no personal data, and a listener that throws does not break a send.
 */
@ExtendWith(TestMailServerExtension.class)
class MailEventsSmtpTest {
  static final String SUBJECT = "Private subject 1d7b";

  static OutgoingMessage message() {
    return OutgoingMessage.builder().from(TestServers.ALICE).to("ok@example.test", "blocked@example.test")
        .subject(SUBJECT).text("Hello").build();
  }

  @Test
  void aSendWithOneRefusedRecipientIsAPartialSend(TestMailServer server) {
    TestUser alice = TestServers.alice(server);
    server.recipientPolicy(RecipientPolicy.builder().reject("blocked@example.test").build());
    RecordingEventListener events = new RecordingEventListener();
    MailSettings settings = TestServers.settings(server, alice, Security.NONE).toBuilder().accountName("outbound")
        .eventListener(events).build();

    try (Transport smtp = Transport.connect(settings)) {
      smtp.send(message());
    }

    assertThat(events.of(LoginEvent.class)).singleElement().satisfies(e -> {
      assertThat(e.outcome()).isEqualTo("ok");
      assertThat(e.account()).isEqualTo("outbound");
    });
    assertThat(events.of(SendEvent.class)).singleElement().satisfies(e -> {
      assertThat(e.accepted()).isEqualTo(1);
      assertThat(e.rejected()).isEqualTo(1);
      assertThat(e.outcome()).isEqualTo("partial");
    });
    assertThat(events.of(CommandEvent.class)).filteredOn(e -> e.command().equals("RCPT"))
        .extracting(CommandEvent::outcome).containsExactly("ok", "permanent");
    assertThat(events.of(CommandEvent.class)).extracting(CommandEvent::command).contains("EHLO", "MAIL", "DATA")
        .allSatisfy(c -> assertThat(c).matches("[A-Z]+"));
    assertThat(events.all()).allSatisfy(r -> assertThat(r.event().toString())
        .doesNotContain(TestServers.ALICE_PASSWORD, "alice", "ok@", "blocked", SUBJECT, "@"));
  }

  @Test
  void aListenerThatThrowsDoesNotBreakASend(TestMailServer server) {
    TestUser alice = TestServers.alice(server);
    RecordingEventListener after = new RecordingEventListener();
    MailEventListener throwing = new MailEventListener() {
      @Override
      public void commandCompleted(CommandEvent event) {
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void messageSent(SendEvent event) {
        throw new IllegalStateException("listener bug");
      }
    };
    MailSettings settings = TestServers.settings(server, alice, Security.NONE).toBuilder()
        .eventListener(MailEventListener.composite(throwing, after)).build();

    SendResult result;
    try (Transport smtp = Transport.connect(settings)) {
      smtp.send(message());
      result = smtp.send(message());
    }

    assertThat(result.isComplete()).isTrue();
    assertThat(server.received("ok@example.test")).hasSize(2);
    assertThat(after.of(LoginEvent.class)).hasSize(1);
    assertThat(after.of(SendEvent.class)).hasSize(2); // the other listener still gets every event
    assertThat(LogCapture.lines()).filteredOn(l -> l.startsWith("WARN") && l.contains(throwing.getClass().getName()))
        .hasSize(1);
  }

  @Test
  void aSendWhoseEveryRecipientIsRefusedIsARejectedSend(TestMailServer server) {
    TestUser alice = TestServers.alice(server);
    server.recipientPolicy(RecipientPolicy.builder().reject("*@example.test").build());
    RecordingEventListener events = new RecordingEventListener();
    MailSettings settings = TestServers.settings(server, alice, Security.NONE).toBuilder().eventListener(events).build();

    try (Transport smtp = Transport.connect(settings)) {
      assertThatThrownBy(() -> smtp.send(message())).isInstanceOf(MailCommandException.class);
    }

    assertThat(events.of(SendEvent.class)).singleElement().satisfies(e -> {
      assertThat(e.accepted()).isZero();
      assertThat(e.rejected()).isEqualTo(2);
      assertThat(e.outcome()).isEqualTo("rejected");
      assertThat(e.account()).isEqualTo("smtp:127.0.0.1");
    });
  }
}
