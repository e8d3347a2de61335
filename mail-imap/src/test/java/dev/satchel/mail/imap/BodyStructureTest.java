package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.satchel.mail.imap.engine.ImapResponse;
import dev.satchel.mail.imap.engine.ImapResponseParser;
import dev.satchel.mail.imap.engine.ImapValue;
import dev.satchel.mail.internal.wire.WireReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * BODYSTRUCTURE as Dovecot (lower case, every extension field), GreenMail and Cyrus (upper case,
 * fewer extension fields) and Exchange (a message/rfc822 part without its envelope) send it, read
 * through the engine's own response parser; malformed and hostile ones give problems, never
 * exceptions.
 */
class BodyStructureTest {
  /** Parses {@code * 1 FETCH (BODYSTRUCTURE <wire>)} with the engine's parser and returns the value. */
  static ImapValue wire(String bodystructure) {
    byte[] line = ("* 1 FETCH (UID 7 BODYSTRUCTURE " + bodystructure + ")\r\n").getBytes(StandardCharsets.UTF_8);
    ImapResponseParser p = new ImapResponseParser(new WireReader(new ByteArrayInputStream(line), 64, 1 << 20),
        ImapResponseParser.Limits.DEFAULT);
    try {
      ImapResponse r = p.next(null);
      assertThat(r).isNotNull();
      assertThat(r.problem()).isNull();
      ImapValue.ListValue items = EngineFetch.fetchItems(r);
      assertThat(items).isNotNull();
      ImapValue v = EngineFetch.item(items, "BODYSTRUCTURE");
      assertThat(v).isNotNull();
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static BodyStructure parse(String bodystructure) {
    return BodyStructure.parse(wire(bodystructure));
  }

  /** Every part in document order, depth first, message/rfc822 bodies included. */
  static List<BodyStructure.Part> flatten(BodyStructure.Part p) {
    List<BodyStructure.Part> out = new ArrayList<>();
    out.add(p);
    for (BodyStructure.Part c : p.parts()) {
      out.addAll(flatten(c));
    }
    if (p.message() != null) {
      out.addAll(flatten(p.message()));
    }
    return out;
  }

  static List<String> sections(BodyStructure bs) {
    assertThat(bs.root()).isNotNull();
    return flatten(bs.root()).stream().map(p -> p.mediaType() + "@" + p.section()).toList();
  }

  @Test
  void singlePartMessageIsSectionOneWithDovecotExtensionData() {
    BodyStructure bs = parse("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 6 1 NIL NIL NIL NIL)");
    assertThat(bs.problems()).isEmpty();
    assertThat(bs.complete()).isTrue();
    BodyStructure.Part p = bs.root();
    assertThat(p).isNotNull();
    assertThat(p.section()).isEqualTo("1");
    assertThat(p.mediaType()).isEqualTo("text/plain");
    assertThat(p.param("CHARSET")).isEqualTo("us-ascii");
    assertThat(p.encoding()).isEqualTo("7bit");
    assertThat(p.size()).isEqualTo(6);
    assertThat(p.lines()).isEqualTo(1);
    assertThat(p.disposition()).isNull();
    assertThat(p.language()).isEmpty();
  }

  @Test
  void upperCaseMultipartWithAttachmentAsGreenMailSendsIt() {
    BodyStructure bs = parse("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"7BIT\" 12 1 NIL NIL NIL)"
        + "(\"APPLICATION\" \"PDF\" (\"NAME\" \"report.pdf\") NIL NIL \"BASE64\" 1234 NIL"
        + " (\"ATTACHMENT\" (\"FILENAME\" \"report.pdf\")) NIL) \"MIXED\" (\"BOUNDARY\" \"b1\") NIL NIL)");
    assertThat(bs.problems()).isEmpty();
    assertThat(sections(bs)).containsExactly("multipart/mixed@", "text/plain@1", "application/pdf@2");
    BodyStructure.Part root = bs.root();
    assertThat(root.param("boundary")).isEqualTo("b1");
    BodyStructure.Part pdf = root.parts().get(1);
    assertThat(pdf.encoding()).isEqualTo("BASE64");
    assertThat(pdf.size()).isEqualTo(1234);
    assertThat(pdf.lines()).isEqualTo(-1);
    assertThat(pdf.disposition()).isEqualTo("attachment");
    assertThat(pdf.dispositionParams()).containsExactly(new BodyStructure.Param("FILENAME", "report.pdf"));
  }

  @Test
  void nestedMessagesAreNumberedAsRfc3501Says() {
    // Cyrus style: related(alternative(plain, html), image), a forwarded multipart message, a forwarded single part
    BodyStructure bs = parse("((((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 274 6 NIL NIL NIL)"
        + "(\"TEXT\" \"HTML\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 1455 30 NIL NIL NIL) \"ALTERNATIVE\""
        + " (\"BOUNDARY\" \"a\") NIL NIL)(\"IMAGE\" \"PNG\" (\"NAME\" \"icon.png\") \"<icon@x>\" NIL \"BASE64\" 1986 NIL"
        + " (\"INLINE\" (\"FILENAME\" \"icon.png\")) NIL) \"RELATED\" (\"BOUNDARY\" \"r\") NIL NIL)"
        + "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 900 (NIL \"Fwd\" NIL NIL NIL NIL NIL NIL NIL NIL)"
        + " ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 5 1 NIL NIL NIL)(\"IMAGE\" \"GIF\" NIL NIL NIL"
        + " \"BASE64\" 50 NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"b2\") NIL NIL) 20 NIL (\"INLINE\" NIL) NIL)"
        + "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 105 (NIL NIL NIL NIL NIL NIL NIL NIL \"<t1>\" NIL)"
        + " (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 12 0 NIL NIL NIL) 5 NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"m\") NIL NIL)");
    assertThat(bs.problems()).isEmpty();
    assertThat(sections(bs)).containsExactly("multipart/mixed@", "multipart/related@1", "multipart/alternative@1.1",
        "text/plain@1.1.1", "text/html@1.1.2", "image/png@1.2", "message/rfc822@2", "multipart/mixed@2",
        "text/plain@2.1", "image/gif@2.2", "message/rfc822@3", "text/plain@3.1");
    BodyStructure.Part fwd = bs.root().parts().get(1);
    assertThat(fwd.lines()).isEqualTo(20);
    assertThat(fwd.disposition()).isEqualTo("inline");
    assertThat(fwd.envelope()).isInstanceOf(ImapValue.ListValue.class);
    assertThat(bs.root().parts().get(0).parts().get(1).id()).isEqualTo("<icon@x>");
  }

  @Test
  void messageRfc822WithoutEnvelopeIsReadAsABasicPart() {
    // Exchange sends attached messages it did not parse this way
    BodyStructure bs = parse("(((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"QUOTED-PRINTABLE\" 1112 52 NIL NIL"
        + " NIL)(\"TEXT\" \"HTML\" (\"CHARSET\" \"us-ascii\") NIL NIL \"QUOTED-PRINTABLE\" 8149 194 NIL NIL NIL)"
        + " \"ALTERNATIVE\" (\"BOUNDARY\" \"_000_\") NIL NIL)(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 1290 NIL"
        + " (\"ATTACHMENT\" (\"CREATION-DATE\" \"Fri, 09 Nov 2012 18:16:04 GMT\")) NIL) \"MIXED\" (\"BOUNDARY\" \"_004_\")"
        + " NIL NIL)");
    assertThat(bs.complete()).isTrue();
    assertThat(sections(bs)).containsExactly("multipart/mixed@", "multipart/alternative@1", "text/plain@1.1",
        "text/html@1.2", "message/rfc822@2");
    BodyStructure.Part m = bs.root().parts().get(1);
    assertThat(m.message()).isNull();
    assertThat(m.disposition()).isEqualTo("attachment");
    assertThat(m.size()).isEqualTo(1290);
  }

  @Test
  void readsEveryExtensionField() {
    BodyStructure bs = parse("(\"text\" \"x-myown\" (\"charset\" \"us-ascii\" \"foo\" \"quoted\\\"string\")"
        + " \"<foo@example.com>\" \"hellodescription\" \"7bit\" 7 1 \"Q2hlY2sgSW50ZWdyaXR5IQ==\""
        + " (\"inline\" (\"foo\" \"bar\")) (\"en\" \"fi\" \"it\") \"http://example.com/test.txt\")");
    assertThat(bs.problems()).isEmpty();
    BodyStructure.Part p = bs.root();
    assertThat(p.param("foo")).isEqualTo("quoted\"string");
    assertThat(p.id()).isEqualTo("<foo@example.com>");
    assertThat(p.description()).isEqualTo("hellodescription");
    assertThat(p.md5()).isEqualTo("Q2hlY2sgSW50ZWdyaXR5IQ==");
    assertThat(p.disposition()).isEqualTo("inline");
    assertThat(p.dispositionParams()).containsExactly(new BodyStructure.Param("foo", "bar"));
    assertThat(p.language()).containsExactly("en", "fi", "it");
    assertThat(p.location()).isEqualTo("http://example.com/test.txt");
    BodyStructure single = parse("(\"text\" \"plain\" NIL NIL NIL \"7bit\" 7 1 NIL NIL \"de\" NIL)");
    assertThat(single.root().language()).containsExactly("de");
  }

  @Test
  void literalParameterValuesAreReadAsUtf8() {
    BodyStructure bs = parse("(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" {10}\r\nna\u00efve.bin) NIL NIL \"BASE64\" 8"
        + " NIL NIL NIL)");
    assertThat(bs.problems()).isEmpty();
    assertThat(bs.root().param("name")).isEqualTo("na\u00efve.bin");
  }

  @Test
  void nilEverywhereIsReadAsOctetStreamWithAProblem() {
    BodyStructure bs = parse("(NIL NIL NIL NIL NIL NIL NIL)");
    assertThat(bs.complete()).isTrue();
    assertThat(bs.root().mediaType()).isEqualTo("application/octet-stream");
    assertThat(bs.root().size()).isEqualTo(-1);
    assertThat(bs.problems()).singleElement().asString().contains("part 1").contains("no media type");
    BodyStructure multi = parse("((NIL NIL NIL NIL NIL NIL NIL) NIL NIL NIL NIL NIL)");
    assertThat(sections(multi)).containsExactly("multipart/mixed@", "application/octet-stream@1");
    assertThat(multi.problems()).anySatisfy(p -> assertThat(p).contains("multipart without a subtype"));
  }

  @Test
  void malformedPiecesAreProblemsNamingTheSection() {
    BodyStructure shortPart = parse("((\"text\" \"plain\") \"mixed\")");
    assertThat(shortPart.complete()).isFalse();
    assertThat(shortPart.problems()).singleElement().asString().contains("part 1:").contains("2 fields instead of at least 7");

    BodyStructure odd = parse("(\"text\" \"plain\" (\"charset\") NIL NIL \"7bit\" x 1 NIL \"inline\")");
    assertThat(odd.complete()).isTrue();
    assertThat(odd.problems()).hasSize(3)
        .anySatisfy(p -> assertThat(p).contains("odd number of items (1)"))
        .anySatisfy(p -> assertThat(p).contains("size is the atom x instead of a number"))
        .anySatisfy(p -> assertThat(p).contains("disposition is the string \"inline\" instead of a list"));
    assertThat(odd.root().disposition()).isEqualTo("inline");

    BodyStructure notABody = BodyStructure.parse(new ImapValue.Atom("FOO"));
    assertThat(notABody.root()).isNull();
    assertThat(notABody.complete()).isFalse();
    assertThat(notABody.problems()).singleElement().asString().contains("not a body but the atom FOO");
    assertThat(BodyStructure.parse(ImapValue.Nil.NIL).problems()).singleElement().asString().contains("(the message)");

    BodyStructure noLines = parse("(\"text\" \"plain\" NIL NIL NIL \"7bit\" 7)");
    assertThat(noLines.complete()).isTrue();
    assertThat(noLines.problems()).singleElement().asString().contains("text part without a line count");
  }

  /** A multipart nested {@code depth} times around one text part. */
  private static ImapValue nested(int depth) {
    ImapValue v = new ImapValue.ListValue(List.of(str("text"), str("plain"), ImapValue.Nil.NIL, ImapValue.Nil.NIL,
        ImapValue.Nil.NIL, str("7bit"), new ImapValue.Atom("1"), new ImapValue.Atom("1")));
    for (int i = 0; i < depth; i++) {
      v = new ImapValue.ListValue(List.of(v, str("mixed")));
    }
    return v;
  }

  private static ImapValue str(String s) {
    return new ImapValue.Str(s.getBytes(StandardCharsets.UTF_8), false);
  }

  @Test
  void nestingDeeperThanTheLimitIsAProblemNotAStackOverflow() {
    BodyStructure ok = BodyStructure.parse(nested(BodyStructure.MAX_DEPTH - 1));
    assertThat(ok.complete()).isTrue();
    assertThat(ok.problems()).isEmpty();
    assertThat(flatten(ok.root()).get(BodyStructure.MAX_DEPTH - 1).section())
        .isEqualTo(String.join(".", java.util.Collections.nCopies(BodyStructure.MAX_DEPTH - 1, "1")));

    BodyStructure deep = BodyStructure.parse(nested(100_000));
    assertThat(deep.complete()).isFalse();
    assertThat(deep.problems()).singleElement().asString().contains("nested deeper than 64 levels");

    ImapValue message = nested(0);
    for (int i = 0; i < 100; i++) {
      message = new ImapValue.ListValue(List.of(str("message"), str("rfc822"), ImapValue.Nil.NIL, ImapValue.Nil.NIL,
          ImapValue.Nil.NIL, str("7bit"), new ImapValue.Atom("1"), new ImapValue.ListValue(List.of()), message,
          new ImapValue.Atom("1")));
    }
    BodyStructure messages = BodyStructure.parse(message);
    assertThat(messages.complete()).isFalse();
    assertThat(messages.problems()).singleElement().asString().contains("nested deeper than 64 levels");
  }

  /** Random values: atoms, strings, NIL and lists up to a few levels, as a confused server might send. */
  private static ImapValue junk(Random r, int depth) {
    int k = r.nextInt(depth > 6 ? 4 : 6);
    String[] words = {"text", "plain", "MESSAGE", "RFC822", "multipart", "7", "-1", "base64", "attachment", "", "\u00e9"};
    return switch (k) {
      case 0 -> new ImapValue.Atom(words[r.nextInt(words.length)].isEmpty() ? "X" : words[r.nextInt(words.length)]);
      case 1 -> str(words[r.nextInt(words.length)]);
      case 2 -> ImapValue.Nil.NIL;
      case 3 -> new ImapValue.Atom(Integer.toString(r.nextInt(100)));
      default -> {
        List<ImapValue> l = new ArrayList<>();
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) {
          l.add(junk(r, depth + 1));
        }
        yield new ImapValue.ListValue(l);
      }
    };
  }

  @Test
  void anyValueGivesAStructureOrProblemsButNeverAnException() {
    qt().withExamples(2000).forAll(longs().all()).checkAssert(seed -> {
      ImapValue v = junk(new Random(seed), 0);
      assertThatCode(() -> {
        BodyStructure bs = BodyStructure.parse(v);
        assertThat(bs.problems()).allSatisfy(p -> assertThat(p).startsWith("BODYSTRUCTURE part "));
        if (!bs.complete()) {
          assertThat(bs.problems()).isNotEmpty();
        }
      }).doesNotThrowAnyException();
    });
  }

  /** A random well-formed body and, beside it, the section numbers it must get, in document order. */
  private static ImapValue tree(Random r, String prefix, boolean messageBody, int depth, List<String> expected) {
    int kind = depth > 4 ? 0 : r.nextInt(3);
    if (kind == 1) {
      expected.add("multipart/mixed@" + prefix);
      List<ImapValue> items = new ArrayList<>();
      int n = 1 + r.nextInt(3);
      for (int i = 0; i < n; i++) {
        items.add(tree(r, prefix.isEmpty() ? Integer.toString(i + 1) : prefix + "." + (i + 1), false, depth + 1, expected));
      }
      items.add(str(r.nextBoolean() ? "MIXED" : "mixed"));
      return new ImapValue.ListValue(items);
    }
    String section = messageBody ? (prefix.isEmpty() ? "1" : prefix + ".1") : prefix;
    if (kind == 2) {
      expected.add("message/rfc822@" + section);
      ImapValue body = tree(r, section, true, depth + 1, expected);
      return new ImapValue.ListValue(List.of(str("MESSAGE"), str("RFC822"), ImapValue.Nil.NIL, ImapValue.Nil.NIL,
          ImapValue.Nil.NIL, str("7BIT"), new ImapValue.Atom("100"), new ImapValue.ListValue(List.of()), body,
          new ImapValue.Atom("3")));
    }
    expected.add("text/plain@" + section);
    return nested(0);
  }

  @Test
  void sectionNumbersOfRandomTreesFollowRfc3501() {
    qt().withExamples(500).forAll(longs().all()).checkAssert(seed -> {
      List<String> expected = new ArrayList<>();
      ImapValue v = tree(new Random(seed), "", true, 0, expected);
      BodyStructure bs = BodyStructure.parse(v);
      assertThat(bs.problems()).isEmpty();
      assertThat(sections(bs)).isEqualTo(expected);
    });
  }
}
