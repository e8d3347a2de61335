package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Changes;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Quota;
import dev.satchel.mail.Security;
import dev.satchel.mail.SpecialFolder;
import dev.satchel.mail.SpecialUse;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.TlsOptions;
import dev.satchel.mail.Uid;
import dev.satchel.mail.Watch;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The same behaviour against the Dovecot 2.3 harness (see ../shared/servers/README.md), which offers
 * what GreenMail lacks: CONDSTORE, QRESYNC, SPECIAL-USE, ID, native MOVE. Opt-in:
 * {@code -Dsatchel.dovecot=true}; the harness must be running. Each test works in a folder of its
 * own in carol's account and deletes it afterwards, so the harness needs no reset.
 */
@EnabledIfSystemProperty(named = "satchel.dovecot", matches = "true")
class ImapDovecotTest {
  static final String USER = "carol@example.test";
  static final String PASSWORD = "carol-pw";
  Properties env;
  Mailbox mailbox;
  Folder folder;

  @BeforeEach
  void connect() throws IOException {
    env = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of("/tmp/mailharness/harness.env"))) {
      env.load(r);
    }
    mailbox = Mailbox.connect(settings(Security.NONE));
    folder = mailbox.createFolder("satchel-it-" + System.nanoTime());
  }

  @AfterEach
  void cleanUp() {
    mailbox.deleteFolder(folder);
    mailbox.close();
  }

  MailSettings settings(Security security) {
    int port = Integer.parseInt(env.getProperty(security == Security.TLS ? "MAILHARNESS_IMAPS_PORT" : "MAILHARNESS_IMAP_PORT"));
    return MailSettings.builder().server(Protocol.IMAP, "127.0.0.1", port, security).password(USER, PASSWORD)
        .tls(TlsOptions.trustingPem(Path.of(env.getProperty("MAILHARNESS_CA_PEM")))).build();
  }

  Uid append(String subject) {
    return mailbox.append(folder, OutgoingMessage.builder().from("bob@example.test").to(USER).subject(subject)
        .text("hello").build(), Set.of()).orElseThrow();
  }

  @Test
  void capabilitiesFollowDovecotsList() {
    assertThat(mailbox.capabilities()).contains(Capability.MOVE, Capability.PUSH, Capability.QUOTA,
        Capability.CHANGES_SINCE, Capability.SPECIAL_USE, Capability.KEYWORDS);
  }

  @Test
  void connectsOverImplicitTlsAndStarttls() {
    for (Security s : List.of(Security.TLS, Security.STARTTLS)) {
      try (Mailbox m = Mailbox.connect(settings(s))) {
        assertThat(m.status(m.inbox()).uidValidity()).isPresent();
      }
    }
  }

  @Test
  void specialFoldersComeFromTheServer() {
    assertThat(mailbox.specialFolders()).extracting(SpecialFolder::use)
        .contains(SpecialUse.SENT, SpecialUse.DRAFTS, SpecialUse.TRASH, SpecialUse.JUNK, SpecialUse.ARCHIVE);
    assertThat(mailbox.specialFolders()).allSatisfy(s -> assertThat(s.source()).isEqualTo(SpecialFolder.Source.SERVER));
  }

  @Test
  void quotaHasAStorageLimit() {
    List<Quota> q = mailbox.quota();
    assertThat(q).flatExtracting(Quota::resources).anySatisfy(r -> {
      assertThat(r.name()).isEqualTo("STORAGE");
      assertThat(r.limit()).isPositive();
    });
  }

  @Test
  void changesSinceUsesCondstore() {
    Uid a = append("a");
    Uid b = append("b");
    Changes first = mailbox.changesSince(folder, SyncState.initial(folder.fullName()));
    assertThat(first.added()).hasSize(2);
    assertThat(first.state().highestModSeq()).isPresent();
    try (Mailbox other = Mailbox.connect(settings(Security.NONE))) {
      other.addFlags(folder, List.of(a), Set.of(Flag.SEEN));
      other.delete(folder, List.of(b));
    }
    Uid c = append("c");
    Changes next = mailbox.changesSince(folder, first.state());
    assertThat(next.changed()).extracting(MessageSummary::uid).containsExactly(a);
    assertThat(next.removed()).containsExactly(b);
    assertThat(next.added()).extracting(MessageSummary::uid).containsExactly(c);
    assertThat(mailbox.changesSince(folder, next.state()).isEmpty()).isTrue();
  }

  @Test
  void nativeMoveReportsTheNewUids() {
    Uid a = append("move me");
    Folder target = mailbox.createFolder(folder.fullName() + "/target");
    List<Uid> moved = mailbox.move(folder, List.of(a), target);
    assertThat(mailbox.list(target)).extracting(MessageSummary::uid).containsExactlyElementsOf(moved);
    assertThat(mailbox.list(folder)).isEmpty();
    mailbox.deleteFolder(target);
  }

  @Test
  void fetchLeavesSeenUntouched() {
    Uid a = append("peek");
    assertThat(mailbox.fetch(folder, a).text()).isPresent();
    assertThat(mailbox.list(folder).get(0).isSeen()).isFalse();
  }

  @Test
  void watchReportsAnAppendFromAnotherConnection() {
    ImapWatchTest.Recorder rec = new ImapWatchTest.Recorder();
    try (Mailbox m = Mailbox.connect(settings(Security.NONE),
            MailboxOptions.builder().reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(400)).build());
        Watch w = m.watch(folder, rec)) {
      append("pushed");
      ImapWatchTest.await(() -> rec.hasSubject("pushed"), "the append is pushed");
    }
  }
}
