package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The default state key names the account and the folder, not the port: moving an account from 143
 * with STARTTLS to 993 with TLS hands nothing over again, and a state saved under the key of an
 * earlier version (which held the port) is carried over.
 */
class InboxProcessorStateKeyTest {
  private static final String USER = "alice@example.test";
  private final FakeMailbox account = new FakeMailbox().deliver("one").deliver("two");
  private final SyncStateStore store = SyncStateStore.inMemory();
  private final List<String> handled = new ArrayList<>();

  private static MailSettings imap(String host, int port, Security security) {
    return MailSettings.builder().server(Protocol.IMAP, host, port, security).password(USER, "pw").build();
  }

  private InboxProcessor.Builder processor(MailSettings settings) {
    return InboxProcessor.builder().settings(settings).connector(s -> account.open()).stateStore(store)
        .afterHandling(AfterHandling.leave()).handler(m -> handled.add(m.subject()));
  }

  @Test
  void theDefaultKeyIsTheAccountAndFolderWithoutPortOrSecurity() {
    String key = "imap:alice@example.test@mail.example.test/INBOX";
    assertThat(processor(imap("mail.example.test", 143, Security.STARTTLS)).build().stateKey()).isEqualTo(key);
    assertThat(processor(imap("mail.example.test", 993, Security.TLS)).build().stateKey()).isEqualTo(key);
    assertThat(processor(imap("Mail.Example.TEST", 10143, Security.NONE)).build().stateKey()).isEqualTo(key);
    assertThat(processor(imap("mail.example.test", 993, Security.TLS)).folder("Orders").build().stateKey())
        .isEqualTo("imap:alice@example.test@mail.example.test/Orders");
    assertThat(StateKeys.earlier(imap("mail.example.test", 10993, Security.TLS), "INBOX")).containsExactly(
        "imap:alice@example.test@mail.example.test:10993/INBOX",
        "imap:alice@example.test@mail.example.test:993/INBOX",
        "imap:alice@example.test@mail.example.test:143/INBOX");
  }

  @Test
  void switchingFrom143StartTlsTo993TlsHandsNothingOverAgain() {
    InboxProcessor before = processor(imap("mail.example.test", 143, Security.STARTTLS)).build();
    assertThat(before.runOnce().handled()).isEqualTo(2);

    InboxProcessor after = processor(imap("mail.example.test", 993, Security.TLS)).build();
    assertThat(after.runOnce().found()).isZero();
    account.deliver("three");
    assertThat(after.runOnce().handled()).isEqualTo(1);
    assertThat(handled).containsExactly("one", "two", "three");
  }

  @Test
  void aStateSavedUnderAnEarlierVersionsKeyIsCarriedOverWhenThePortChangesToo() {
    // What an earlier version saved for the account on 143 with STARTTLS: the key held the port.
    String oldKey = "imap:alice@example.test@mail.example.test:143/INBOX";
    InboxProcessor earlier = processor(imap("mail.example.test", 143, Security.STARTTLS)).stateKey(oldKey).build();
    assertThat(earlier.runOnce().handled()).isEqualTo(2);
    assertThat(store.load("imap:alice@example.test@mail.example.test/INBOX")).isEmpty();

    // Upgraded, and switched to 993 with TLS at the same time.
    InboxProcessor upgraded = processor(imap("mail.example.test", 993, Security.TLS)).build();
    assertThat(upgraded.runOnce().found()).as("nothing handed over again").isZero();
    assertThat(handled).containsExactly("one", "two");
    assertThat(store.load(upgraded.stateKey())).as("saved under the new key").isPresent();
    assertThat(store.load(oldKey)).as("the old entry is left as it was").isPresent();

    account.deliver("three");
    assertThat(upgraded.runOnce().handled()).isEqualTo(1);
    assertThat(handled).containsExactly("one", "two", "three");
  }

  @Test
  void anEarlierKeyWithTheSettingsOwnPortIsCarriedOver() {
    String oldKey = "imap:alice@example.test@mail.example.test:10993/INBOX";
    processor(imap("mail.example.test", 10993, Security.TLS)).stateKey(oldKey).build().runOnce();
    assertThat(processor(imap("mail.example.test", 10993, Security.TLS)).build().runOnce().found()).isZero();
    assertThat(handled).containsExactly("one", "two");
  }

  @Test
  void theNewKeyWinsOverAnEarlierOneAndAnExplicitKeyLooksAtNoOther() {
    InboxProcessor current = processor(imap("mail.example.test", 993, Security.TLS)).build();
    current.runOnce();
    // An earlier key holding nothing handled must not be read once the new key has a state.
    store.save("imap:alice@example.test@mail.example.test:993/INBOX", SyncState.initial("INBOX"));
    assertThat(current.runOnce().found()).isZero();

    InboxProcessor explicit = processor(imap("mail.example.test", 993, Security.TLS)).stateKey("orders").build();
    assertThat(explicit.runOnce().handled()).as("a key of its own starts afresh").isEqualTo(2);
    assertThat(handled).containsExactly("one", "two", "one", "two");
  }
}
