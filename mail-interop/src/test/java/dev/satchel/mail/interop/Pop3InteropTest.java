package dev.satchel.mail.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.Capability;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.SyncStateStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dovecot's POP3 (STLS on 11110, implicit TLS on 11995) through Satchel's POP3 Mailbox and InboxProcessor. */
@Interop
class Pop3InteropTest {
  private final Harness harness = Harness.get();

  @BeforeEach
  void emptyMailboxes() {
    harness.reset("carol");
  }

  @Test
  void capabilitiesMatchDovecotsCapa() {
    for (Security security : List.of(Security.TLS, Security.STARTTLS)) {
      try (Mailbox pop3 = Mailbox.connect(harness.settings("carol", Protocol.POP3, security))) {
        assertThat(pop3.capabilities()).as("over %s", security)
            .contains(Capability.UNIQUE_IDS, Capability.HEADERS_ONLY, Capability.DELETE)
            .doesNotContain(Capability.FOLDERS, Capability.SERVER_FLAGS, Capability.MOVE, Capability.APPEND, Capability.QUOTA);
      }
    }
  }

  @Test
  void listsAndFetchesSeededMessagesInDeliveryOrder() {
    List<String> subjects = List.of(Mail.uniqueSubject("First"), Mail.uniqueSubject("Second"), Mail.uniqueSubject("Third"));
    subjects.forEach(s -> Lmtp.deliver(harness.lmtpPort(), "carol@example.test", Mail.raw("carol", s)));
    try (Mailbox pop3 = Mailbox.connect(harness.settings("carol", Protocol.POP3, Security.STARTTLS))) {
      List<MessageSummary> list = pop3.list(pop3.inbox());
      assertThat(list).extracting(s -> s.envelope().subject()).containsExactlyElementsOf(subjects);
      Message last = pop3.fetch(pop3.inbox(), list.get(2).uid());
      assertThat(last.text()).hasValueSatisfying(t -> assertThat(t).contains("Body of " + subjects.get(2))
          .contains("\n.line starting with a dot"));
      assertThat(pop3.listNewest(pop3.inbox(), 1)).extracting(s -> s.envelope().subject()).containsExactly(subjects.get(2));
    }
  }

  @Test
  void wrongPasswordIsAnAuthenticationFailure() {
    for (Security security : List.of(Security.TLS, Security.STARTTLS)) {
      MailSettings wrong = harness.settings("carol", Protocol.POP3, security).toBuilder()
          .password("carol@example.test", "wrong-pw").build();
      assertThatThrownBy(() -> Mailbox.connect(wrong).close()).as("over %s", security)
          .isInstanceOf(MailAuthenticationException.class).hasMessageNotContaining("wrong-pw");
    }
  }

  @Test
  void inboxProcessorDeletesAfterDownload() {
    List<String> subjects = List.of(Mail.uniqueSubject("Order 1"), Mail.uniqueSubject("Order 2"));
    subjects.forEach(s -> Lmtp.deliver(harness.lmtpPort(), "carol@example.test", Mail.raw("carol", s)));
    List<String> handled = new ArrayList<>();
    InboxProcessor processor = InboxProcessor.builder()
        .settings(harness.settings("carol", Protocol.POP3, Security.TLS))
        .stateStore(SyncStateStore.inMemory())
        .handler(m -> handled.add(m.subject()))
        .afterHandling(AfterHandling.delete())
        .build();

    InboxProcessor.Report report = processor.runOnce();

    assertThat(handled).containsExactlyElementsOf(subjects);
    assertThat(report.handled()).isEqualTo(2);
    assertThat(report.acknowledged()).isEqualTo(2);
    try (Mailbox pop3 = Mailbox.connect(harness.settings("carol", Protocol.POP3, Security.STARTTLS))) {
      assertThat(pop3.list(pop3.inbox())).as("deleted on the server at QUIT").isEmpty();
    }
    assertThat(processor.runOnce().found()).as("a second run finds nothing").isZero();
  }
}
