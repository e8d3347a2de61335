package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.SyncStateStore;
import dev.satchel.mail.events.CommandEvent;
import dev.satchel.mail.events.ConnectionEvent;
import dev.satchel.mail.events.ConnectionFailedEvent;
import dev.satchel.mail.events.LoginEvent;
import dev.satchel.mail.events.ProcessorEvent;
import dev.satchel.mail.events.ProcessorLagEvent;
import dev.satchel.mail.testkit.RecordingEventListener;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Events of IMAP sessions and of an inbox processor on the testkit's server: what is reported, with
 * the account name and never the user, address, password or subject.
 */
class MailEventsImapTest {
  static final String PASSWORD = "imap-Secret-pw-3c9d";
  static final String SUBJECT = "Private subject 8f2e";
  static TestMailServer server;
  static TestUser user;

  @BeforeAll
  static void start() {
    server = TestMailServer.start();
    user = server.createUser("erin.events@example.test", PASSWORD);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static MailSettings settings(RecordingEventListener events) {
    return server.settings(user, Protocol.IMAP).toBuilder().accountName("support").eventListener(events).build();
  }

  static void assertNoPersonalData(RecordingEventListener events) {
    assertThat(events.all()).isNotEmpty().allSatisfy(r -> assertThat(r.event().toString())
        .doesNotContain(PASSWORD, user.address(), user.login(), SUBJECT, "@"));
  }

  @Test
  void aSessionReportsConnectionLoginAndCommandsByVerb() {
    RecordingEventListener events = new RecordingEventListener();
    try (Mailbox m = Mailbox.connect(settings(events))) {
      m.list(m.inbox());
    }

    assertThat(events.of(ConnectionEvent.class)).singleElement().satisfies(e -> {
      assertThat(e.account()).isEqualTo("support");
      assertThat(e.protocol()).isEqualTo(Protocol.IMAP);
      assertThat(e.host()).isEqualTo("127.0.0.1");
      assertThat(e.port()).isEqualTo(server.port(Protocol.IMAP, Security.NONE));
      assertThat(e.security()).isEqualTo(Security.NONE);
    });
    assertThat(events.of(LoginEvent.class)).singleElement().satisfies(e -> {
      assertThat(e.account()).isEqualTo("support");
      assertThat(e.outcome()).isEqualTo("ok");
      assertThat(e.mechanism()).isNotBlank();
    });
    assertThat(events.of(CommandEvent.class)).isNotEmpty()
        .allSatisfy(e -> assertThat(e.command()).matches("(UID )?[A-Z]+"))
        .extracting(CommandEvent::outcome).contains("ok");
    assertThat(events.of(CommandEvent.class)).extracting(CommandEvent::command).contains("LOGIN", "CAPABILITY", "SELECT");
    assertNoPersonalData(events);
  }

  @Test
  void aWrongPasswordIsARefusedLogin() {
    RecordingEventListener events = new RecordingEventListener();
    MailSettings wrong = settings(events).toBuilder().password(user.login(), "wrong-" + PASSWORD).build();
    assertThatThrownBy(() -> Mailbox.connect(wrong)).isInstanceOf(MailAuthenticationException.class);
    assertThat(events.of(LoginEvent.class)).extracting(LoginEvent::outcome).containsExactly("refused");
    assertThat(events.all()).allSatisfy(r -> assertThat(r.event().toString()).doesNotContain(PASSWORD, "@"));
  }

  @Test
  void aRefusedConnectionIsReportedWithTheExceptionClassOnly() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    RecordingEventListener events = new RecordingEventListener();
    MailSettings settings = settings(events).toBuilder().server(Protocol.IMAP, "127.0.0.1", closed, Security.NONE).build();
    assertThatThrownBy(() -> Mailbox.connect(settings)).isInstanceOf(MailConnectionException.class);
    assertThat(events.of(ConnectionFailedEvent.class)).singleElement().satisfies(e -> {
      assertThat(e.failure()).isEqualTo("ConnectException");
      assertThat(e.port()).isEqualTo(closed);
    });
  }

  @Test
  void aProcessorReportsHandledFailedDeadLetteredAndLag() {
    TestUser owner = server.createUser("frank.events@example.test", PASSWORD);
    for (String subject : new String[] {"fine", SUBJECT}) {
      server.deliver(owner, OutgoingMessage.builder().from("bob@example.test").to(owner.address()).subject(subject)
          .text("body").build());
    }
    RecordingEventListener events = new RecordingEventListener();
    InboxProcessor p = InboxProcessor.builder()
        .settings(server.settings(owner, Protocol.IMAP).toBuilder().eventListener(events).build())
        .stateStore(SyncStateStore.inMemory())
        .afterHandling(AfterHandling.leave())
        .maxFailures(2)
        .handler(m -> {
          if (m.subject().equals(SUBJECT)) {
            throw new IllegalStateException("cannot handle " + SUBJECT);
          }
        })
        .build();

    p.runOnce();
    assertThat(events.received("messageHandled")).hasSize(1);
    assertThat(events.received("messageFailed")).hasSize(1);
    assertThat(events.of(ProcessorLagEvent.class)).singleElement()
        .satisfies(e -> assertThat(e.lag().isNegative()).isFalse());
    p.runOnce();
    assertThat(events.received("messageFailed")).hasSize(2);
    assertThat(events.received("messageDeadLettered")).singleElement()
        .isInstanceOfSatisfying(ProcessorEvent.class, e -> assertThat(e.account()).isEqualTo("imap:127.0.0.1"));
    assertThat(events.of(ProcessorLagEvent.class)).hasSize(2).last() // the second run left nothing unhandled
        .satisfies(e -> assertThat(e.lag()).isZero());
    assertThat(events.all()).allSatisfy(r -> assertThat(r.event().toString())
        .doesNotContain(PASSWORD, owner.address(), owner.login(), SUBJECT, "@"));
  }
}
