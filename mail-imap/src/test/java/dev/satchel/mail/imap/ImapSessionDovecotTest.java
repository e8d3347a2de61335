package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Security;
import dev.satchel.mail.imap.engine.ImapResponse;
import dev.satchel.mail.imap.engine.ImapSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

/** Satchel's own IMAP session against real Dovecot: STARTTLS, SASL PLAIN with SASL-IR, COMPRESS, pipelining. */
@DisabledIfEnvironmentVariable(named = "SATCHEL_INTEROP", matches = "skip",
    disabledReason = "SATCHEL_INTEROP=skip: the tests against the Dovecot harness are skipped")
class ImapSessionDovecotTest {
  @BeforeAll
  static void harness() {
    ImapDovecotTest.harness();
  }

  @Test
  void startTlsSaslAndCompressionOnDovecot() {
    for (Security security : List.of(Security.STARTTLS, Security.TLS)) {
      try (ImapSession s = ImapSession.open(ImapDovecotTest.settings(security), Duration.ofSeconds(20))) {
        assertThat(s.has("IMAP4rev1")).isTrue();
        assertThat(s.has("AUTH=PLAIN")).as("capabilities after login do not list AUTH").isFalse();
        assertThat(s.compress()).isEqualTo(s.has("COMPRESS=DEFLATE"));
        List<ImapResponse> untagged = new ArrayList<>();
        List<ImapResponse> done = s.pipeline(List.of("NOOP", "LIST \"\" \"*\"", "STATUS INBOX (MESSAGES UIDNEXT)"),
            untagged::add);
        assertThat(done).allSatisfy(r -> assertThat(r.is("OK")).isTrue());
        assertThat(untagged).anySatisfy(r -> assertThat(r.raw()).startsWith("* LIST"))
            .anySatisfy(r -> assertThat(r.raw()).startsWith("* STATUS"))
            .allSatisfy(r -> assertThat(r.problem()).isNull());
      }
    }
  }
}
