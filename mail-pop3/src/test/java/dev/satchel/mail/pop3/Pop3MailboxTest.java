package dev.satchel.mail.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.Capability;
import dev.satchel.mail.Changes;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.SearchQuery;
import dev.satchel.mail.Security;
import dev.satchel.mail.SpecialUse;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.TlsOptions;
import dev.satchel.mail.Uid;
import dev.satchel.mail.UidRange;
import dev.satchel.mail.UnsupportedCapabilityException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Pop3MailboxTest {
  private Pop3Fixture server;

  @BeforeEach
  void start() {
    server = new Pop3Fixture();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void connectsThroughServiceLoaderAndReportsDownloadOnlyCapabilities() {
    server.deliver("one");
    try (Mailbox mailbox = Mailbox.connect(server.settings())) {
      assertThat(mailbox.protocol()).isEqualTo(Protocol.POP3);
      assertThat(mailbox.capabilities()).contains(Capability.DELETE, Capability.UNIQUE_IDS)
          .doesNotContain(Capability.FOLDERS, Capability.SERVER_FLAGS, Capability.KEYWORDS, Capability.MOVE,
              Capability.COPY, Capability.APPEND, Capability.SERVER_SEARCH, Capability.PUSH, Capability.QUOTA,
              Capability.CHANGES_SINCE, Capability.SPECIAL_USE);
      assertThat(mailbox.inbox().isInbox()).isTrue();
      assertThat(mailbox.folder("inbox")).contains(mailbox.inbox());
      assertThat(mailbox.status(mailbox.inbox()).messages()).isEqualTo(1);
    }
  }

  @Test
  void everyAbsentCapabilityRefusesWithTheExplanation() {
    server.deliver("one");
    try (Mailbox mailbox = Mailbox.connect(server.settings())) {
      Folder inbox = mailbox.inbox();
      Uid uid = mailbox.list(inbox).get(0).uid();
      List<Uid> uids = List.of(uid);
      Folder other = Folder.named("Archive");
      OutgoingMessage msg = OutgoingMessage.builder().from("bob@example.test").to("alice@example.test").subject("x").text("y").build();
      Map<Capability, List<ThrowingCallable>> calls = Map.of(
          Capability.FOLDERS, List.of(mailbox::folders, () -> mailbox.folder("Archive"), () -> mailbox.specialFolder(SpecialUse.SENT),
              () -> mailbox.createFolder("A"), () -> mailbox.renameFolder(other, "B"), () -> mailbox.deleteFolder(other),
              () -> mailbox.list(other)),
          Capability.SERVER_FLAGS, List.of(() -> mailbox.addFlags(inbox, uids, Set.of(Flag.SEEN)),
              () -> mailbox.removeFlags(inbox, uids, Set.of(Flag.SEEN))),
          Capability.KEYWORDS, List.of(() -> mailbox.addKeywords(inbox, uids, Set.of("k")),
              () -> mailbox.removeKeywords(inbox, uids, Set.of("k"))),
          Capability.COPY, List.of(() -> mailbox.copy(inbox, uids, other)),
          Capability.MOVE, List.of(() -> mailbox.move(inbox, uids, other)),
          Capability.APPEND, List.of(() -> mailbox.append(inbox, msg, Set.of())),
          Capability.SERVER_SEARCH, List.of(() -> mailbox.search(inbox, SearchQuery.subject("x"))),
          Capability.QUOTA, List.of(mailbox::quota));
      calls.forEach((capability, list) -> {
        for (ThrowingCallable call : list) {
          assertThatThrownBy(call).isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> {
            assertThat(e.capability()).isEqualTo(capability);
            assertThat(e.protocol()).isEqualTo(Protocol.POP3);
            assertThat(e.getMessage()).contains("POP3 only downloads").contains("IMAP settings");
          });
        }
      });
      // PUSH is absent, yet watch works by polling, as the Mailbox contract says.
      try (var watch = mailbox.watch(inbox, (f, c) -> { })) {
        assertThat(watch.isRunning()).isTrue();
      }
    }
  }

  @Test
  void listsFetchesAndStreamsMessages() throws Exception {
    server.deliver("first", "Hello first\r\n");
    server.deliver("second");
    try (Mailbox mailbox = Mailbox.connect(server.settings())) {
      List<MessageSummary> list = mailbox.list(mailbox.inbox());
      assertThat(list).extracting(m -> m.envelope().subject()).containsExactly("first", "second");
      assertThat(list.get(0).uid()).isInstanceOf(Uid.Pop3.class);
      assertThat(list.get(0).size()).isPositive();
      assertThat(list.get(0).envelope().from().get(0).address()).isEqualTo("bob@example.test");
      assertThat(mailbox.listNewest(mailbox.inbox(), 1)).extracting(m -> m.envelope().subject()).containsExactly("second");
      assertThat(mailbox.list(mailbox.inbox(), UidRange.all())).hasSize(2);
      assertThatThrownBy(() -> mailbox.list(mailbox.inbox(), new UidRange(1, 5))).isInstanceOf(IllegalArgumentException.class);

      Message first = mailbox.fetch(mailbox.inbox(), list.get(0).uid());
      assertThat(first.subject()).isEqualTo("first");
      assertThat(first.text()).hasValueSatisfying(t -> assertThat(t).contains("Hello first"));
      try (InputStream raw = mailbox.openRaw(mailbox.inbox(), list.get(1).uid())) {
        assertThat(new String(raw.readAllBytes(), StandardCharsets.UTF_8)).contains("Subject: second").contains("Body of second");
      }
      assertThatThrownBy(() -> mailbox.fetch(mailbox.inbox(), new Uid.Pop3("nope"))).isInstanceOf(MailCommandException.class);
    }
  }

  @Test
  void aPartOrRawStreamReadAfterCloseSaysSoInItsOwnMessage() throws Exception {
    byte[] data = "attachment bytes".getBytes(StandardCharsets.US_ASCII);
    server.server.deliver(server.user, OutgoingMessage.builder().from("bob@example.test").to(Pop3Fixture.USER)
        .subject("late").text("body").attach(Attachment.of("data.bin", "application/octet-stream", data)).build());
    Message full;
    InputStream openedBeforeClose;
    InputStream raw;
    try (Mailbox mailbox = Mailbox.connect(server.settings())) {
      Uid uid = mailbox.list(mailbox.inbox()).get(0).uid();
      full = mailbox.fetch(mailbox.inbox(), uid);
      assertThat(full.attachments().get(0).bytes()).as("readable while open").isEqualTo(data);
      openedBeforeClose = full.attachments().get(0).open();
      raw = mailbox.openRaw(mailbox.inbox(), uid);
    }
    String part = "the mailbox was closed before this part was read; read attachments before close()";
    assertThat(full.text()).hasValueSatisfying(t -> assertThat(t).contains("body")); // read at fetch: still there
    assertThatThrownBy(() -> full.attachments().get(0).bytes()).isInstanceOf(IllegalStateException.class).hasMessage(part);
    assertThatThrownBy(() -> full.attachments().get(0).open()).isInstanceOf(IllegalStateException.class).hasMessage(part);
    assertThatThrownBy(openedBeforeClose::read).isInstanceOf(IllegalStateException.class).hasMessage(part);
    assertThatThrownBy(raw::read).isInstanceOf(IllegalStateException.class)
        .hasMessage("the mailbox was closed before this message was read; read the stream from openRaw before close()");
  }

  @Test
  void worksOverImplicitTls() throws Exception {
    server.deliver("secure one", "Over TLS\r\n");
    server.deliver("secure two");
    try (Mailbox mailbox = Mailbox.connect(server.tlsSettings())) {
      assertThat(mailbox.capabilities()).contains(Capability.UNIQUE_IDS, Capability.DELETE);
      List<MessageSummary> list = mailbox.list(mailbox.inbox());
      assertThat(list).extracting(m -> m.envelope().subject()).containsExactly("secure one", "secure two");
      assertThat(mailbox.fetch(mailbox.inbox(), list.get(0).uid()).text())
          .hasValueSatisfying(t -> assertThat(t).contains("Over TLS"));
      try (InputStream raw = mailbox.openRaw(mailbox.inbox(), list.get(1).uid())) {
        assertThat(new String(raw.readAllBytes(), StandardCharsets.UTF_8)).contains("Subject: secure two");
      }
      mailbox.delete(mailbox.inbox(), List.of(list.get(0).uid()));
    }
    try (Mailbox mailbox = Mailbox.connect(server.tlsSettings())) {
      assertThat(mailbox.list(mailbox.inbox())).extracting(m -> m.envelope().subject()).containsExactly("secure two");
    }
  }

  @Test
  void implicitTlsRefusesACertificateItDoesNotTrust() {
    MailSettings untrusting = server.tlsSettings().toBuilder().tls(TlsOptions.systemDefault()).build();
    assertThatThrownBy(() -> Mailbox.connect(untrusting)).isInstanceOf(MailConnectionException.class);
  }

  @Test
  void implicitTlsIsNotSpokenToAPlaintextPort() {
    MailSettings wrongPort = server.tlsSettings().toBuilder()
        .server(Protocol.POP3, "127.0.0.1", server.pop3Port(), Security.TLS).build();
    assertThatThrownBy(() -> Mailbox.connect(wrongPort)).isInstanceOf(MailConnectionException.class);
  }

  @Test
  void idsAreStableAcrossSessions() {
    server.deliver("one");
    Uid first;
    try (Mailbox mailbox = Mailbox.connect(server.settings())) {
      first = mailbox.list(mailbox.inbox()).get(0).uid();
    }
    try (Mailbox mailbox = Mailbox.connect(server.settings())) {
      assertThat(mailbox.fetch(mailbox.inbox(), first).subject()).isEqualTo("one");
    }
  }

  @Test
  void listUsesTopNotRetrWhenTheServerOffersTop() throws Exception {
    server.deliver("one");
    server.deliver("two");
    try (Pop3Proxy proxy = new Pop3Proxy(server.pop3Port())) {
      // GreenMail answers TOP but does not list it in CAPA; the proxy adds it, as Dovecot would.
      proxy.capa(Set.of("TOP"), Set.of());
      try (Mailbox mailbox = Mailbox.connect(server.settings(proxy.port()))) {
        assertThat(mailbox.supports(Capability.HEADERS_ONLY)).isTrue();
        assertThat(mailbox.list(mailbox.inbox())).hasSize(2);
      }
      assertThat(proxy.count("TOP")).isEqualTo(2);
      assertThat(proxy.count("UIDL")).isEqualTo(1);
      assertThat(proxy.count("RETR")).isZero();
    }
  }

  @Test
  void deleteIsCommittedOnlyByACleanClose() {
    server.deliver("keep");
    server.deliver("drop");
    try (Mailbox mailbox = Mailbox.connect(server.settings())) {
      Uid drop = mailbox.list(mailbox.inbox()).get(1).uid();
      mailbox.delete(mailbox.inbox(), List.of(drop));
      // Not yet: a second connection still sees both.
      try (Mailbox second = Mailbox.connect(server.settings())) {
        assertThat(second.list(second.inbox())).hasSize(2);
      }
    }
    try (Mailbox mailbox = Mailbox.connect(server.settings())) {
      assertThat(mailbox.list(mailbox.inbox())).extracting(m -> m.envelope().subject()).containsExactly("keep");
    }
  }

  @Test
  void aDroppedConnectionDeletesNothing() throws Exception {
    server.deliver("one");
    try (Pop3Proxy proxy = new Pop3Proxy(server.pop3Port())) {
      try (Mailbox mailbox = Mailbox.connect(server.settings(proxy.port()))) {
        mailbox.delete(mailbox.inbox(), List.of(mailbox.list(mailbox.inbox()).get(0).uid()));
        proxy.cutBefore(line -> line.startsWith("RSET") || line.startsWith("DELE") || line.startsWith("QUIT"));
      }
    }
    assertThat(server.storedCount()).isEqualTo(1);
  }

  @Test
  void changesSinceReportsNewAndRemovedIds() {
    server.deliver("one");
    server.deliver("two");
    SyncState state;
    try (Mailbox mailbox = Mailbox.connect(server.settings())) {
      Changes first = mailbox.changesSince(mailbox.inbox(), SyncState.initial("INBOX"));
      assertThat(first.added()).extracting(m -> m.envelope().subject()).containsExactly("one", "two");
      mailbox.delete(mailbox.inbox(), List.of(first.added().get(0).uid()));
      state = first.state();
    }
    server.deliver("three");
    try (Mailbox mailbox = Mailbox.connect(server.settings())) {
      Changes next = mailbox.changesSince(mailbox.inbox(), state);
      assertThat(next.added()).extracting(m -> m.envelope().subject()).containsExactly("three");
      assertThat(next.removed()).hasSize(1);
      assertThat(next.state().known()).hasSize(2);
      assertThat(mailbox.changesSince(mailbox.inbox(), next.state()).isEmpty()).isTrue();
    }
  }

  @Test
  void withoutUidlIdsAreSessionScopedAndStableIdOperationsSaySo() throws Exception {
    server.deliver("one");
    try (Pop3Proxy proxy = new Pop3Proxy(server.pop3Port())) {
      proxy.capa(Set.of(), Set.of("UIDL"));
      Uid earlier;
      try (Mailbox mailbox = Mailbox.connect(server.settings(proxy.port()))) {
        assertThat(mailbox.supports(Capability.UNIQUE_IDS)).isFalse();
        List<MessageSummary> list = mailbox.list(mailbox.inbox());
        earlier = list.get(0).uid();
        assertThat(mailbox.fetch(mailbox.inbox(), earlier).subject()).isEqualTo("one");
        assertThatThrownBy(() -> mailbox.changesSince(mailbox.inbox(), SyncState.initial("INBOX")))
            .isInstanceOfSatisfying(UnsupportedCapabilityException.class,
                e -> assertThat(e.getMessage()).contains("does not offer UIDL").contains("stable"));
        assertThatThrownBy(() -> mailbox.watch(mailbox.inbox(), (f, c) -> { }))
            .isInstanceOf(UnsupportedCapabilityException.class);
      }
      try (Mailbox mailbox = Mailbox.connect(server.settings(proxy.port()))) {
        assertThatThrownBy(() -> mailbox.fetch(mailbox.inbox(), earlier))
            .isInstanceOfSatisfying(UnsupportedCapabilityException.class,
                e -> assertThat(e.getMessage()).contains("valid only in the session"));
      }
      assertThat(proxy.count("UIDL")).isZero();
    }
  }

  @Test
  void wrongPasswordIsAnAuthenticationFailureWithoutTheSecret() {
    MailSettings bad = server.settings().toBuilder().password(Pop3Fixture.USER, "wrong-secret").build();
    assertThatThrownBy(() -> Mailbox.connect(bad)).isInstanceOf(MailAuthenticationException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-secret"));
  }

  @Test
  void starttlsIsRequiredNeverDowngraded() {
    // GreenMail offers no STLS: under STARTTLS the connection must fail, not continue in plaintext.
    MailSettings starttls = server.settings().toBuilder()
        .server(Protocol.POP3, "127.0.0.1", server.pop3Port(), Security.STARTTLS).build();
    assertThatThrownBy(() -> Mailbox.connect(starttls)).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("STLS");
  }

  @Test
  void closeIsIdempotentAndLaterCallsFailClearly() {
    Mailbox mailbox = Mailbox.connect(server.settings());
    mailbox.close();
    mailbox.close();
    assertThatThrownBy(() -> mailbox.list(mailbox.inbox())).isInstanceOf(IllegalStateException.class);
  }
}
