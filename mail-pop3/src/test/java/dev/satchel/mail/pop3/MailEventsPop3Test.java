package dev.satchel.mail.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Mailbox;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.events.CommandEvent;
import dev.satchel.mail.events.ConnectionEvent;
import dev.satchel.mail.events.LoginEvent;
import dev.satchel.mail.testkit.RecordingEventListener;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import org.junit.jupiter.api.Test;

/** Events of a POP3 session on the testkit's server: commands by verb, never the password or user. */
class MailEventsPop3Test {
  static final String PASSWORD = "pop3-Secret-pw-6a1f";

  @Test
  void aSessionReportsConnectionLoginAndCommandVerbsOnly() {
    try (TestMailServer server = TestMailServer.start()) {
      TestUser user = server.createUser("gina.events@example.test", PASSWORD);
      server.deliver(user, OutgoingMessage.builder().from("bob@example.test").to(user.address()).subject("Private 4c")
          .text("body").build());
      RecordingEventListener events = new RecordingEventListener();
      try (Mailbox m = Mailbox.connect(server.settings(user, Protocol.POP3).toBuilder().accountName("pop")
          .eventListener(events).build())) {
        m.list(m.inbox());
      }

      assertThat(events.of(ConnectionEvent.class)).singleElement()
          .satisfies(e -> assertThat(e.protocol()).isEqualTo(Protocol.POP3));
      assertThat(events.of(LoginEvent.class)).singleElement().satisfies(e -> {
        assertThat(e.outcome()).isEqualTo("ok");
        assertThat(e.account()).isEqualTo("pop");
      });
      assertThat(events.of(CommandEvent.class)).extracting(CommandEvent::command).contains("CAPA", "UIDL")
          .allSatisfy(c -> assertThat(c).matches("[A-Z]+"));
      assertThat(events.all()).allSatisfy(r -> assertThat(r.event().toString())
          .doesNotContain(PASSWORD, user.address(), user.login(), "Private 4c", "@"));
    }
  }
}
