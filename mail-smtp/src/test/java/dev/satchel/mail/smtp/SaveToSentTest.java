package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.SendOptions;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.SpecialUse;
import dev.satchel.mail.Transport;
import dev.satchel.mail.Uid;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Save-to-Sent through a {@link Mailbox}. mail-imap is not on this module's test class path, so the
 * mailbox here is a recording stand-in that answers {@code specialFolder} and {@code append} only.
 */
class SaveToSentTest {
  private static final Folder SENT = new Folder("Sent", '/', Set.of("\\Sent"), Optional.of(SpecialUse.SENT));

  private FakeSmtpServer server;
  private final List<Object[]> appends = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new FakeSmtpServer();
    server.password = TestServers.FAKE_PASSWORD;
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private Mailbox mailbox(Optional<Folder> sent, boolean appendFails) {
    return (Mailbox) Proxy.newProxyInstance(Mailbox.class.getClassLoader(), new Class<?>[] {Mailbox.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "specialFolder" -> args[0] == SpecialUse.SENT ? sent : Optional.empty();
          case "append" -> {
            if (appendFails) {
              throw new MailCommandException("APPEND", "NO [OVERQUOTA] Quota exceeded", null);
            }
            appends.add(args);
            yield Optional.of(new Uid.Imap(7, 42));
          }
          case "toString" -> "stand-in mailbox";
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  private SendResult send(Mailbox mailbox) {
    try (Transport smtp = Transport.connect(
        TestServers.plain(server.port()).password("u@fake.test", TestServers.FAKE_PASSWORD).build())) {
      return smtp.send(OutgoingMessage.builder().from("s@fake.test").to("b@fake.test").text("hello").build(),
          SendOptions.builder().saveToSent(mailbox).build());
    }
  }

  @Test
  void appendsTheSentMessageWithTheSameMessageIdMarkedSeen() {
    SendResult result = send(mailbox(Optional.of(SENT), false));
    assertThat(result.sentCopy()).hasValueSatisfying(copy -> {
      assertThat(copy.saved()).isTrue();
      assertThat(copy.folder()).contains(SENT);
      assertThat(copy.uid()).contains(new Uid.Imap(7, 42));
    });
    assertThat(appends).hasSize(1);
    assertThat(appends.get(0)[0]).isEqualTo(SENT);
    assertThat(((OutgoingMessage) appends.get(0)[1]).messageId()).contains(result.messageId());
    assertThat(appends.get(0)[2]).isEqualTo(Set.of(Flag.SEEN));
    assertThat(server.messageCount.get()).isEqualTo(1);
  }

  @Test
  void aFailedCopyIsReportedNotThrownBecauseTheMessageWasSent() {
    SendResult result = send(mailbox(Optional.of(SENT), true));
    assertThat(result.isComplete()).isTrue();
    assertThat(result.sentCopy()).hasValueSatisfying(copy -> {
      assertThat(copy.saved()).isFalse();
      assertThat(copy.problem()).hasValueSatisfying(p -> assertThat(p).contains("OVERQUOTA"));
    });
    assertThat(server.messageCount.get()).isEqualTo(1);
  }

  @Test
  void aMailboxWithoutSentFolderIsReported() {
    SendResult result = send(mailbox(Optional.empty(), false));
    assertThat(result.sentCopy()).hasValueSatisfying(copy -> {
      assertThat(copy.saved()).isFalse();
      assertThat(copy.problem()).hasValueSatisfying(p -> assertThat(p).contains("no Sent folder"));
    });
    assertThat(appends).isEmpty();
  }

  @Test
  void noCopyIsAttemptedWhenNotAskedFor() {
    try (Transport smtp = Transport.connect(
        TestServers.plain(server.port()).password("u@fake.test", TestServers.FAKE_PASSWORD).build())) {
      assertThat(smtp.send(OutgoingMessage.builder().from("s@fake.test").to("b@fake.test").text("x").build()).sentCopy())
          .isEmpty();
    }
  }
}
