package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.imap.engine.ImapResponse;
import dev.satchel.mail.imap.engine.ImapResponseParser;
import dev.satchel.mail.internal.wire.WireReader;
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
  void readsTheDateOfAQuotedALiteralAndANilEnvelopeDate() {
    assertThat(date("* 1 FETCH (UID 7 ENVELOPE (\"Sun, 1 Mar 2026 09:30:00 +0530\" \"s\" NIL NIL NIL NIL NIL NIL NIL NIL))"))
        .isEqualTo("2026-03-01T09:30+05:30");
    assertThat(date("* 1 FETCH (ENVELOPE ({30}\r\nSun, 1 Mar 2026 09:30:00 +0530 \"s\" NIL NIL NIL NIL NIL NIL NIL NIL) UID 7)"))
        .isEqualTo("2026-03-01T09:30+05:30");
    assertThat(date("* 1 FETCH (UID 7 ENVELOPE (NIL \"s\" NIL NIL NIL NIL NIL NIL NIL NIL))")).isEqualTo("none");
    assertThat(date("* 1 FETCH (UID 7 ENVELOPE (\"not a date\" \"s\" NIL NIL NIL NIL NIL NIL NIL NIL))")).isEqualTo("none");
  }

  @Test
  void anyOffsetSurvivesTheRoundTripThroughAnEnvelope() {
    qt().forAll(integers().between(-12 * 4, 14 * 4), integers().between(0, 400_000_000))
        .checkAssert((quarters, seconds) -> {
          ZoneOffset offset = ZoneOffset.ofTotalSeconds(quarters * 15 * 60);
          OffsetDateTime date = OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(1_500_000_000L + seconds), offset);
          String raw = "* 3 FETCH (UID 9 RFC822.SIZE 10 ENVELOPE (\"" + RFC5322.format(date) + "\" \"x\" NIL NIL NIL NIL NIL"
              + " NIL NIL NIL))";
          assertThat(summary(raw).envelope().date()).contains(date);
        });
  }

  @Test
  void theInternalDateFastPathReadsWhatTheFormatterReads() {
    DateTimeFormatter imap = DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss xx", Locale.ROOT);
    qt().forAll(integers().between(-12 * 4, 14 * 4), integers().between(0, 1_500_000_000))
        .checkAssert((quarters, seconds) -> {
          OffsetDateTime date = OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(seconds),
              ZoneOffset.ofTotalSeconds(quarters * 15 * 60));
          String text = imap.format(date);
          assertThat(EngineFetch.internalDate(text)).as(text).isEqualTo(date.toInstant());
          assertThat(EngineFetch.internalDate("0" + text)).as(text).isEqualTo(text.indexOf('-') == 1 ? date.toInstant()
              : null);
        });
    assertThat(EngineFetch.internalDate("1-Foo-2024 09:00:00 +0000")).isNull();
    assertThat(EngineFetch.internalDate("31-Feb-2024 09:00:00 +0000")).isNull();
    assertThat(EngineFetch.internalDate("1-Jan-2024 09:00:00 0000")).isNull();
  }

  private static String date(String raw) {
    return summary(raw).envelope().date().map(OffsetDateTime::toString).orElse("none");
  }

  private static MessageSummary summary(String raw) {
    String crlf = raw + "\r\n";
    ImapResponseParser p = new ImapResponseParser(new WireReader(
        new java.io.ByteArrayInputStream(crlf.getBytes(StandardCharsets.UTF_8)), 64, 1 << 20), ImapResponseParser.Limits.DEFAULT);
    try {
      ImapResponse r = java.util.Objects.requireNonNull(p.next(null));
      return EngineFetch.summary(java.util.Objects.requireNonNull(EngineFetch.fetchItems(r)), 1, new AddressCache(), r.problem());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
