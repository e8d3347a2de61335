package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class InboxProcessorTest {
  private static final MailSettings POP3 = MailSettings.builder().server(Protocol.POP3, "127.0.0.1", 1110, Security.NONE)
      .password("alice@example.test", "pw").build();

  private static InboxProcessor.Builder base(AfterHandling after) {
    return InboxProcessor.builder().settings(POP3).stateStore(SyncStateStore.inMemory()).handler(m -> { }).afterHandling(after);
  }

  @Test
  void requiresStoreHandlerAndAction() {
    assertThatThrownBy(() -> InboxProcessor.builder().settings(POP3).handler(m -> { }).afterHandling(AfterHandling.leave()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("stateStore");
    assertThatThrownBy(() -> InboxProcessor.builder().settings(POP3).stateStore(SyncStateStore.inMemory()).handler(m -> { }).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("afterHandling");
  }

  @Test
  void pop3ActionsAreCheckedWhenBuilt() {
    assertThat(base(AfterHandling.leave()).build().stateKey()).isEqualTo("pop3:alice@example.test@127.0.0.1/INBOX");
    assertThat(base(AfterHandling.delete()).build()).isNotNull();
    assertThat(base(AfterHandling.deleteAfter(Duration.ofDays(30))).build()).isNotNull();
    assertThatThrownBy(() -> base(AfterHandling.markSeen()).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("impossible over POP3");
    assertThatThrownBy(() -> base(AfterHandling.leave()).folder("Archive").build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only the inbox");
  }

  @Test
  void capabilitiesAreCheckedAtConnection() {
    InboxProcessor move = InboxProcessor.builder().mailboxes(() -> { throw new AssertionError("not used"); })
        .stateStore(SyncStateStore.inMemory()).handler(m -> { }).afterHandling(AfterHandling.moveTo("Done")).build();
    assertThatThrownBy(() -> move.checkCapabilities(EnumSet.of(Capability.UNIQUE_IDS, Capability.FOLDERS), Protocol.IMAP))
        .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> assertThat(e.capability()).isEqualTo(Capability.MOVE));
    move.checkCapabilities(EnumSet.of(Capability.UNIQUE_IDS, Capability.FOLDERS, Capability.MOVE), Protocol.IMAP);
    assertThatThrownBy(() -> move.checkCapabilities(EnumSet.of(Capability.MOVE, Capability.FOLDERS), Protocol.POP3))
        .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> assertThat(e.capability()).isEqualTo(Capability.UNIQUE_IDS));
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> InboxProcessor.builder().maxFailures(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    assertThatThrownBy(() -> AfterHandling.deleteAfter(Duration.ofDays(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base(AfterHandling.leave()).build().start(Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0.01S");
  }

  @Test
  void moveToFailsOnAMissingFolderUnlessToldToCreateIt() {
    assertThat(AfterHandling.moveTo("Done")).isEqualTo(new AfterHandling.MoveTo("Done", AfterHandling.IfMissing.FAIL))
        .isEqualTo(new AfterHandling.MoveTo("Done")).hasToString("moveTo(\"Done\")");
    assertThat(AfterHandling.moveTo("Done", AfterHandling.IfMissing.CREATE))
        .hasToString("moveTo(\"Done\", IfMissing.CREATE)")
        .isNotEqualTo(AfterHandling.moveTo("Done"));
    assertThatThrownBy(() -> AfterHandling.moveTo("", AfterHandling.IfMissing.CREATE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AfterHandling.MoveTo("Done", null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("ifMissing");
  }
}
