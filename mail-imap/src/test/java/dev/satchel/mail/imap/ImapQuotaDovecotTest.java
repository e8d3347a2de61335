package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Quota;
import dev.satchel.mail.Security;
import dev.satchel.mail.TlsOptions;
import dev.satchel.mail.Uid;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

/**
 * A full mailbox against the Dovecot harness: its account {@code tiny@example.test} has a 100 KB quota
 * (MAILHARNESS_TINY_USER). Gated like {@link ImapDovecotTest}.
 */
@DisabledIfEnvironmentVariable(named = "SATCHEL_INTEROP", matches = "skip",
    disabledReason = "SATCHEL_INTEROP=skip: the tests against the Dovecot harness are skipped")
class ImapQuotaDovecotTest {
  @BeforeAll
  static void harness() {
    ImapDovecotTest.harness();
  }

  private static MailSettings tiny() {
    String account = ImapDovecotTest.env.getProperty("MAILHARNESS_TINY_USER", "tiny@example.test:tiny-pw")
        .replace("\"", "");
    int colon = account.indexOf(':');
    return MailSettings.builder().server(Protocol.IMAP, "127.0.0.1", ImapDovecotTest.imapPort(), Security.NONE)
        .password(account.substring(0, colon), account.substring(colon + 1))
        .tls(TlsOptions.trustingPem(Path.of(ImapDovecotTest.env.getProperty("MAILHARNESS_CA_PEM")))).build();
  }

  @Test
  void anAppendBeyondTheQuotaIsACommandErrorCarryingTheServersWordsAndNothingIsStored() {
    try (Mailbox m = Mailbox.connect(tiny())) {
      Quota.Resource storage = m.quota().stream().flatMap(q -> q.resources().stream())
          .filter(r -> r.name().equals("STORAGE")).findFirst().orElseThrow();
      assertThat(storage.limit()).isEqualTo(100); // KiB, as IMAP QUOTA counts
      int before = m.list(m.inbox()).size();
      OutgoingMessage big = OutgoingMessage.builder().from("bob@example.test").to("tiny@example.test").subject("too big")
          .text("see attached").attach(Attachment.of("big.bin", "application/octet-stream", new byte[200_000])).build();
      assertThatThrownBy(() -> m.append(m.inbox(), big, Set.of()))
          .isInstanceOf(MailCommandException.class)
          .hasMessageContaining("Quota exceeded")
          .satisfies(e -> assertThat(((MailCommandException) e).serverResponse()).contains("OVERQUOTA"));
      assertThat(m.list(m.inbox())).hasSize(before);
      // the connection is still usable, and a small message still fits
      Uid small = m.append(m.inbox(), OutgoingMessage.builder().from("bob@example.test").to("tiny@example.test")
          .subject("fits").text("x").build(), Set.of()).orElseThrow();
      assertThat(m.list(m.inbox())).hasSize(before + 1);
      m.delete(m.inbox(), List.of(small));
    }
  }
}
