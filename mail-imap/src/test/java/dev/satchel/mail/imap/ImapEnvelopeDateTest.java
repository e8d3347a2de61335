package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.internal.MimeDates;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Listing keeps the sender's UTC offset: the ENVELOPE's date string is read as the server sent it. */
class ImapEnvelopeDateTest {
  private static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.ROOT);

  @Test
  void readsTheDateStringOfAQuotedALiteralAndANilEnvelopeDate() {
    assertThat(Imap.envelopeDateText("* 1 FETCH (UID 7 ENVELOPE (\"Sun, 1 Mar 2026 09:30:00 +0530\" \"s\" NIL))"))
        .isEqualTo("Sun, 1 Mar 2026 09:30:00 +0530");
    assertThat(Imap.envelopeDateText("* 1 FETCH (ENVELOPE ({30}\r\nSun, 1 Mar 2026 09:30:00 +0530 \"s\") UID 7)"))
        .isEqualTo("Sun, 1 Mar 2026 09:30:00 +0530");
    assertThat(Imap.envelopeDateText("* 1 FETCH (UID 7 ENVELOPE (\"a \\\"quoted\\\" (comment)\" NIL))"))
        .isEqualTo("a \"quoted\" (comment)");
    assertThat(Imap.envelopeDateText("* 1 FETCH (UID 7 ENVELOPE (NIL \"s\"))")).isNull();
    assertThat(Imap.envelopeDateText("* 1 FETCH (UID 7 FLAGS ())")).isNull();
    assertThat(Imap.envelopeDateText("* 1 FETCH (UID 7 ENVELOPE (\"unterminated")).isNull();
  }

  @Test
  void anyOffsetSurvivesTheRoundTripThroughAnEnvelope() {
    qt().forAll(integers().between(-12 * 4, 14 * 4), integers().between(0, 400_000_000))
        .checkAssert((quarters, seconds) -> {
          ZoneOffset offset = ZoneOffset.ofTotalSeconds(quarters * 15 * 60);
          OffsetDateTime date = OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(1_500_000_000L + seconds), offset);
          String raw = "* 3 FETCH (UID 9 RFC822.SIZE 10 ENVELOPE (\"" + RFC5322.format(date) + "\" \"x\" NIL NIL NIL NIL NIL"
              + " NIL NIL NIL))";
          String text = Imap.envelopeDateText(raw);
          assertThat(text).isNotNull();
          assertThat(MimeDates.parse(text)).contains(date);
        });
  }

  /**
   * GreenMail rewrites the envelope date in UTC ({@code "Sun, 1 Mar 2026 04:00:00 +0000 (UTC)"}), so
   * here only the instants can be checked; ImapDovecotTest checks that the offset is kept.
   */
  @Test
  void listingReadsTheServersEnvelopeDate() {
    try (TestMailServer server = TestMailServer.start()) {
      TestUser u = server.createUser("dates@example.test", "secret");
      deliver(server, u, "plus", "Sun, 1 Mar 2026 09:30:00 +0530");
      deliver(server, u, "minus", "Sun, 1 Mar 2026 09:30:00 -0800 (PST)");
      deliver(server, u, "obsolete", "1 Mar 26 09:30 EST");
      try (Mailbox m = Mailbox.connect(server.settings(u, Protocol.IMAP))) {
        List<MessageSummary> list = m.list(m.inbox());
        assertThat(list).extracting(s -> s.envelope().date().orElseThrow().toInstant()).containsExactly(
            OffsetDateTime.parse("2026-03-01T09:30:00+05:30").toInstant(),
            OffsetDateTime.parse("2026-03-01T09:30:00-08:00").toInstant(),
            OffsetDateTime.parse("2026-03-01T09:30:00-05:00").toInstant());
      }
    }
  }

  private static void deliver(TestMailServer server, TestUser to, String subject, String date) {
    String raw = "From: bob@example.test\r\nTo: " + to.address() + "\r\nSubject: " + subject + "\r\nDate: " + date
        + "\r\nMessage-ID: <" + subject + "@example.test>\r\n\r\nbody\r\n";
    server.deliver(to, raw.getBytes(StandardCharsets.US_ASCII));
  }
}
