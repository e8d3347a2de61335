package dev.satchel.mail.imap.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.satchel.mail.internal.ServerLimitException;
import dev.satchel.mail.internal.wire.WireReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImapResponseParserTest {
  private static ImapResponseParser parser(byte[] wire, int chunk, ImapResponseParser.Limits limits) {
    InputStream in = new ByteArrayInputStream(wire) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
    return new ImapResponseParser(new WireReader(in, 64, 1 << 20), limits);
  }

  private static ImapResponseParser parser(String wire) {
    return parser(wire.getBytes(StandardCharsets.ISO_8859_1), 1000, ImapResponseParser.Limits.DEFAULT);
  }

  private static List<ImapResponse> all(ImapResponseParser p) throws IOException {
    List<ImapResponse> out = new ArrayList<>();
    ImapResponse r;
    while ((r = p.next(null)) != null) {
      out.add(r);
    }
    return out;
  }

  @Test
  void parsesStatusDataAndContinuationResponses() throws IOException {
    List<ImapResponse> rs = all(parser("* OK [CAPABILITY IMAP4rev1 IDLE] Dovecot ready.\r\n"
        + "* 3 EXISTS\r\n"
        + "* FLAGS (\\Answered \\Seen $Forwarded)\r\n"
        + "+ go ahead\r\n"
        + "a1 NO [ALERT] nope [not a code]\r\n"));
    assertThat(rs).hasSize(5).allSatisfy(r -> assertThat(r.problem()).isNull());
    assertThat(rs.get(0).is("OK")).isTrue();
    assertThat(rs.get(0).code()).containsExactly(new ImapValue.Atom("CAPABILITY"), new ImapValue.Atom("IMAP4rev1"),
        new ImapValue.Atom("IDLE"));
    assertThat(rs.get(0).text()).isEqualTo("Dovecot ready.");
    assertThat(((ImapValue.Atom) rs.get(1).item(0)).number()).isEqualTo(3);
    assertThat(rs.get(2).item(1)).isInstanceOf(ImapValue.ListValue.class);
    assertThat(rs.get(3).kind()).isEqualTo(ImapResponse.Kind.CONTINUATION);
    assertThat(rs.get(4).tag()).isEqualTo("a1");
    assertThat(rs.get(4).text()).isEqualTo("nope [not a code]");
  }

  @Test
  void parsesAFetchWithLiteralsSectionsAndNil() throws IOException {
    String header = "Subject: hi\r\n\r\n";
    ImapResponse r = parser("* 1 FETCH (UID 7 FLAGS (\\Seen) BODY[HEADER.FIELDS (SUBJECT)] {" + header.length() + "}\r\n"
        + header + " ENVELOPE (NIL \"a \\\"quoted\\\" subject\" NIL))\r\n").next(null);
    assertThat(r.problem()).isNull();
    ImapValue.ListValue items = (ImapValue.ListValue) r.item(2);
    assertThat(items.items().get(4)).isEqualTo(new ImapValue.Atom("BODY[HEADER.FIELDS (SUBJECT)]"));
    assertThat(((ImapValue.Str) items.items().get(5)).text()).isEqualTo(header);
    ImapValue.ListValue envelope = (ImapValue.ListValue) items.items().get(7);
    assertThat(envelope.items().get(0)).isEqualTo(ImapValue.Nil.NIL);
    assertThat(((ImapValue.Str) envelope.items().get(1)).text()).isEqualTo("a \"quoted\" subject");
  }

  @Test
  void aBrokenResponseIsKeptWithItsProblemAndTheNextOneIsReadInStep() throws IOException {
    List<ImapResponse> rs = all(parser("* 1 FETCH (UID 5 BODY[] {5}\r\nhello \"unclosed {3}\r\nabc\r\n"
        + "* 2 FETCH (UID 6)\r\n"));
    assertThat(rs).hasSize(2);
    assertThat(rs.get(0).problem()).contains("quoted string not closed");
    assertThat(rs.get(0).raw()).startsWith("* 1 FETCH (UID 5");
    assertThat(rs.get(1).problem()).isNull();
    assertThat(rs.get(1).raw()).isEqualTo("* 2 FETCH (UID 6)");
  }

  @Test
  void deepNestingEndsWithALimitNotAStackOverflow() {
    String deep = "* 1 FETCH (BODYSTRUCTURE " + "(".repeat(10_000) + ")".repeat(10_000) + ")\r\n";
    assertThatThrownBy(() -> parser(deep).next(null)).isInstanceOf(ServerLimitException.class)
        .hasMessageContaining("deeper than 64 levels");
  }

  @Test
  void aHugeLiteralIsRefusedBeforeAllocationUnlessASinkStreamsIt() throws IOException {
    assertThatThrownBy(() -> parser("* 1 FETCH (BODY[] {1500000000}\r\n").next(null))
        .isInstanceOf(ServerLimitException.class).hasMessageContaining("1500000000").hasMessageContaining("maxLiteral");
    assertThatThrownBy(() -> parser("* 1 FETCH (BODY[] {2147483647}\r\n").next(null))
        .isInstanceOf(ServerLimitException.class);
    ImapResponseParser.Limits small = new ImapResponseParser.Limits(64, 10, 1000, 10);
    byte[] body = new byte[100_000];
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes("* 1 FETCH (UID 9 BODY[]<0> {100000}\r\n".getBytes(StandardCharsets.US_ASCII));
    wire.writeBytes(body);
    wire.writeBytes(")\r\na1 OK done\r\n".getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    List<String> before = new ArrayList<>();
    ImapResponseParser p = parser(wire.toByteArray(), 4096, small);
    ImapResponse r = p.next((atom, size, in) -> {
      before.add(atom == null ? "null" : atom.text());
      in.transferTo(got);
      return true;
    });
    assertThat(before).containsExactly("BODY[]<0>");
    assertThat(got.size()).isEqualTo(100_000);
    assertThat(((ImapValue.ListValue) r.item(2)).items()).contains(new ImapValue.Streamed(100_000));
    assertThat(p.next(null).tag()).isEqualTo("a1");
  }

  @Test
  void manyLiteralsUnderThePerLiteralLimitStillCannotFillTheHeap() throws IOException {
    StringBuilder wire = new StringBuilder("* 1 FETCH (");
    for (int i = 0; i < 10; i++) {
      wire.append("X").append(i).append(" {100}\r\n").append("y".repeat(100)).append(' ');
    }
    wire.append(")\r\n");
    ImapResponseParser.Limits limits = new ImapResponseParser.Limits(64, 100, 1000, 500);
    assertThatThrownBy(() -> parser(wire.toString().getBytes(StandardCharsets.US_ASCII), 64, limits).next(null))
        .isInstanceOf(ServerLimitException.class).hasMessageContaining("maxHeldBytes");
    ImapResponseParser.Limits roomy = new ImapResponseParser.Limits(64, 100, 1000, 1000);
    assertThat(parser(wire.toString().getBytes(StandardCharsets.US_ASCII), 64, roomy).next(null).problem()).isNull();
  }

  @Test
  void tooManyItemsInOneResponseIsALimit() {
    String search = "* SEARCH" + " 1".repeat(2000) + "\r\n";
    assertThatThrownBy(() -> parser(search.getBytes(StandardCharsets.US_ASCII), 100,
        new ImapResponseParser.Limits(64, 100, 1000, 100)).next(null)).isInstanceOf(ServerLimitException.class)
        .hasMessageContaining("maxItems");
  }

  @Test
  void readsTheSameWhateverTheChunking() {
    String wire = "* 1 FETCH (UID 3 RFC822.SIZE 42 BODY[HEADER] {6}\r\nab\r\ncd FLAGS ())\r\n* 5 EXPUNGE\r\na2 OK [READ-WRITE] x\r\n";
    qt().withExamples(200).forAll(integers().between(1, 40)).checkAssert(chunk -> {
      try {
        List<ImapResponse> rs = all(parser(wire.getBytes(StandardCharsets.US_ASCII), chunk, ImapResponseParser.Limits.DEFAULT));
        assertThat(rs).hasSize(3).allSatisfy(r -> assertThat(r.problem()).isNull());
        ImapValue.ListValue items = (ImapValue.ListValue) rs.get(0).item(2);
        assertThat(((ImapValue.Str) items.items().get(5)).text()).isEqualTo("ab\r\ncd");
        assertThat(rs.get(2).code()).containsExactly(new ImapValue.Atom("READ-WRITE"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
