package dev.satchel.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessagePart;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Uid;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * OutgoingMessage -> MimeWriter bytes -> MimeReader Message keeps every user-visible value exactly
 * (text bodies: line breaks come back as \n, and the generators use \n only).
 */
class MimeRoundTripPropertyTest {
  private static final Uid UID = new Uid.Pop3("prop");

  /** Code points from many scripts: ASCII, specials, controls, Latin, RTL, CJK, emoji; never CR, LF, NUL or surrogates. */
  static Gen<Integer> headerCodePoints() {
    return Generate.frequency(List.of(
        Pair.of(6, Generate.range(0x20, 0x7E)),
        Pair.of(3, Generate.pick(List.of((int) ' ', (int) '"', (int) '\\', (int) '=', (int) '?', (int) '_', (int) '<', (int) '>',
            (int) ',', (int) ';', (int) ':', (int) '(', (int) ')', (int) '@', (int) '\t', (int) '%', (int) '\''))),
        Pair.of(1, Generate.pick(List.of(0x01, 0x07, 0x1B, 0x1F, 0x7F, 0x85, 0x9F, 0xA0))),
        Pair.of(2, Generate.range(0xA1, 0x24F)),
        Pair.of(2, Generate.range(0x0590, 0x06FF)),
        Pair.of(2, Generate.range(0x4E00, 0x9FFF)),
        Pair.of(2, Generate.range(0x1F300, 0x1FAFF)),
        Pair.of(1, Generate.range(0xE000, 0xFFFD))));
  }

  /** Like {@link #headerCodePoints()} without control characters, which EmailAddress rejects in display names. */
  static Gen<Integer> nameCodePoints() {
    return headerCodePoints().map(cp -> Character.isISOControl(cp) ? (int) 'x' : cp);
  }

  static Gen<String> unicode(Gen<Integer> codePoints, int min, int max) {
    return lists().of(codePoints).ofSizeBetween(min, max).map(cps -> {
      StringBuilder sb = new StringBuilder();
      cps.forEach(sb::appendCodePoint);
      return sb.toString();
    });
  }

  static Gen<String> bodies() {
    Gen<Integer> withNewlines = Generate.frequency(List.of(Pair.of(12, headerCodePoints()), Pair.of(2, Generate.constant((int) '\n')),
        Pair.of(1, Generate.constant(0))));
    return unicode(withNewlines, 0, 400);
  }

  static Gen<String> localParts() {
    Gen<String> atoms = unicode(Generate.pick("abcxyz019!#$%&'*+/=?^_`{|}~-".codePoints().boxed().toList()), 1, 20)
        .map(s -> s.replace('.', 'x'));
    Gen<String> quoted = unicode(Generate.pick(" a\"\\(),:;<>@[]".codePoints().boxed().toList()), 1, 12).map(s -> "q" + s);
    Gen<String> utf8 = Generate.pick(List.of("josé", "用户", "δοκιμή", "müller.hans"));
    return Generate.oneOf(atoms, quoted, utf8);
  }

  static Gen<String> domains() {
    return Generate.pick(List.of("example.com", "mail.example.org", "bücher.example", "東京.jp", "пример.рф", "xn--bcher-kva.example",
        "a-b.c-d.example"));
  }

  static Gen<EmailAddress> addresses() {
    Gen<Optional<String>> names = Generate.oneOf(Generate.constant(Optional.<String>empty()),
        unicode(nameCodePoints(), 1, 40).map(Optional::of));
    return localParts().zip(domains(), names, (local, domain, name) -> new EmailAddress(local, domain, name));
  }

  record Spec(String filename, int size, long seed) {
    byte[] bytes() {
      byte[] b = new byte[size];
      new Random(seed).nextBytes(b);
      return b;
    }
  }

  static Gen<Spec> attachments(int maxSize) {
    Gen<String> names = unicode(headerCodePoints(), 1, 60).assuming(s -> !s.isBlank());
    return names.zip(integers().between(0, maxSize), longs().all(), Spec::new);
  }

  record Body(Optional<String> text, Optional<String> html) {}

  static Gen<Body> bodyPairs() {
    Gen<Optional<String>> optional = Generate.oneOf(Generate.constant(Optional.<String>empty()), bodies().map(Optional::of));
    return optional.zip(optional, Body::new);
  }

  static Gen<List<EmailAddress>> addressLists(int min, int max) {
    return lists().of(addresses()).ofSizeBetween(min, max);
  }

  @Test
  void roundTripKeepsSubjectAddressesBodiesAndAttachments() {
    qt().withExamples(150).withShrinkCycles(200)
        .forAll(unicode(headerCodePoints(), 0, 120), addressLists(2, 4), bodyPairs(), lists().of(attachments(4096)).ofSizeBetween(0, 3))
        .checkAssert(MimeRoundTripPropertyTest::check);
  }

  @Test
  void roundTripKeepsLargeBinaryAttachments() {
    qt().withExamples(6).withShrinkCycles(20)
        .forAll(unicode(headerCodePoints(), 0, 30), addressLists(2, 2), bodyPairs(), lists().of(attachments(1024 * 1024)).ofSizeBetween(1, 1))
        .checkAssert(MimeRoundTripPropertyTest::check);
  }

  private static void check(String subject, List<EmailAddress> people, Body body, List<Spec> specs) {
    OutgoingMessage.Builder b = OutgoingMessage.builder().from(people.get(0)).subject(subject);
    people.subList(1, people.size()).forEach(b::to);
    body.text().ifPresent(b::text);
    body.html().ifPresent(b::html);
    for (Spec s : specs) {
      b.attach(Attachment.of(s.filename(), "application/octet-stream", s.bytes()));
    }
    OutgoingMessage out = b.build();

    Message in = MimeReader.read(new ByteArrayInputStream(MimeWriter.toBytes(out)), UID);

    assertThat(in.subject()).isEqualTo(subject);
    assertThat(in.envelope().from()).hasSize(1);
    assertSame(in.envelope().from().get(0), out.from());
    assertThat(in.envelope().to()).hasSameSizeAs(out.to());
    for (int i = 0; i < out.to().size(); i++) {
      assertSame(in.envelope().to().get(i), out.to().get(i));
    }
    boolean noBody = body.text().isEmpty() && body.html().isEmpty();
    assertThat(in.text()).isEqualTo(noBody && specs.isEmpty() ? Optional.of("") : body.text());
    assertThat(in.html()).isEqualTo(body.html());
    assertThat(in.parts()).hasSameSizeAs(specs);
    for (int i = 0; i < specs.size(); i++) {
      MessagePart part = in.parts().get(i);
      assertThat(part.filename()).contains(specs.get(i).filename());
      assertThat(part.isInline()).isFalse();
      byte[] expected = specs.get(i).bytes();
      byte[] actual = part.bytes();
      assertThat(actual.length).isEqualTo(expected.length);
      assertThat(Arrays.equals(actual, expected)).as("attachment bytes equal").isTrue();
    }
    assertThat(in.problems()).isEmpty();
  }

  private static void assertSame(EmailAddress actual, EmailAddress expected) {
    assertThat(actual.asciiAddress()).isEqualTo(expected.asciiAddress());
    assertThat(actual.displayName()).isEqualTo(expected.displayName());
  }
}
