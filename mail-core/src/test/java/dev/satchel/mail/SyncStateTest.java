package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class SyncStateTest {
  private static final String MAGIC = "satchel-sync-state 1";

  static Gen<OptionalLong> optional(Gen<Long> values) {
    return values.toOptionals(30).map(o -> o.isPresent() ? OptionalLong.of(o.get()) : OptionalLong.empty());
  }

  /** Names without tab, CR, LF or NUL: Unicode, spaces and slashes included. */
  static Gen<String> token() {
    return strings().allPossible().ofLengthBetween(1, 20)
        .map(s -> s.replace('\t', ' ').replace('\r', ' ').replace('\n', ' ').replace('\0', ' '));
  }

  static Gen<String> flag() {
    return Generate.oneOf(Generate.pick(List.of("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft", "$Label1",
        "$Junk")), strings().betweenCodePoints(0x21, 0x7E).ofLengthBetween(1, 12));
  }

  static Gen<SyncState> states() {
    Gen<Map<String, Set<String>>> known = lists().of(token().zip(lists().of(flag()).ofSizeBetween(0, 4),
            (id, flags) -> Map.entry(id, (Set<String>) new TreeSet<>(flags))))
        .ofSizeBetween(0, 20)
        .map(entries -> {
          Map<String, Set<String>> m = new TreeMap<>();
          entries.forEach(e -> m.put(e.getKey(), e.getValue()));
          return m;
        });
    return token().zip(optional(longs().between(1, 0xFFFF_FFFFL)), optional(longs().between(1, Long.MAX_VALUE)),
        optional(longs().between(0, Long.MAX_VALUE)), (f, v, n, m) -> new Object[] {f, v, n, m})
        .zip(known, (a, k) -> new SyncState((String) a[0], (OptionalLong) a[1], (OptionalLong) a[2], (OptionalLong) a[3], k));
  }

  @Test
  void serializeThenParseIsTheIdentity() {
    qt().forAll(states()).checkAssert(s -> {
      SyncState back = SyncState.parse(s.serialize());
      assertThat(back).isEqualTo(s).hasSameHashCodeAs(s);
      assertThat(back.known()).isEqualTo(s.known());
      assertThat(back.uidValidity()).isEqualTo(s.uidValidity());
      assertThat(back.uidNext()).isEqualTo(s.uidNext());
      assertThat(back.highestModSeq()).isEqualTo(s.highestModSeq());
    });
  }

  @Test
  void parsesCrLfLineEndsToo() {
    qt().withExamples(200).forAll(states())
        .checkAssert(s -> assertThat(SyncState.parse(s.serialize().replace("\n", "\r\n"))).isEqualTo(s));
  }

  @Test
  void everyTruncationIsRejectedWithIllegalArgumentException() {
    qt().forAll(states(), integers().between(0, 100_000)).checkAssert((s, cut) -> {
      String text = s.serialize();
      String truncated = text.substring(0, cut % (text.length() - 4)); // always before "end\n" is complete
      assertThatIllegalArgumentException().isThrownBy(() -> SyncState.parse(truncated));
    });
  }

  @Test
  void garbageIsRejectedWithIllegalArgumentExceptionOnly() {
    Gen<String> garbage = Generate.oneOf(strings().allPossible().ofLengthBetween(0, 60),
        strings().allPossible().ofLengthBetween(0, 60).map(g -> MAGIC + "\n" + g),
        strings().allPossible().ofLengthBetween(0, 60).map(g -> MAGIC + "\nfolder\tINBOX\n" + g + "\nend\n"));
    qt().forAll(garbage).checkAssert(g -> {
      try {
        SyncState s = SyncState.parse(g);
        assertThat(SyncState.parse(s.serialize())).isEqualTo(s);
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    });
  }

  @Test
  void writesALineOrientedText() {
    SyncState s = new SyncState("INBOX", OptionalLong.of(1700000000L), OptionalLong.of(43), OptionalLong.empty(),
        Map.of("imap:1700000000/42", Set.of("\\Seen", "$Label1"), "imap:1700000000/41", Set.of()));
    assertThat(s.serialize()).isEqualTo(MAGIC + "\nfolder\tINBOX\nuidvalidity\t1700000000\nuidnext\t43\n"
        + "m\timap:1700000000/41\nm\timap:1700000000/42\t$Label1 \\Seen\nend\n");
  }

  @Test
  void initialStateKnowsNothing() {
    SyncState s = SyncState.initial("INBOX");
    assertThat(s.folder()).isEqualTo("INBOX");
    assertThat(s.known()).isEmpty();
    assertThat(s.uidValidity()).isEmpty();
    assertThat(SyncState.parse(s.serialize())).isEqualTo(s);
  }

  @Test
  void rejectsAWrongFirstLine() {
    assertThatIllegalArgumentException().isThrownBy(() -> SyncState.parse("hello\nend\n"))
        .withMessageStartingWith("not a Satchel sync state: line 1 must be \"" + MAGIC + "\", was \"hello\"");
  }

  @Test
  void rejectsATruncatedState() {
    assertThatIllegalArgumentException().isThrownBy(() -> SyncState.parse(MAGIC + "\nfolder\tINBOX\nm\timap:1/1"))
        .withMessageContaining("truncated");
  }

  @ParameterizedTest
  @ValueSource(strings = {"uidvalidity\tx", "uidvalidity\t-5", "uidvalidity\t0", "uidnext\t1\t2", "bogus\t1", "",
      "m", "m\timap:1/1\t\\Seen\textra", "m\timap:1/1\t\\Seen  $X", "folder\tOther", "highestmodseq\t99999999999999999999",
      "end\tnow"})
  void rejectsAMalformedLineNamingIt(String line) {
    String text = MAGIC + "\nfolder\tINBOX\n" + line + "\nend\n";
    assertThatIllegalArgumentException().isThrownBy(() -> SyncState.parse(text))
        .withMessageContaining("line 3");
  }

  @Test
  void rejectsARepeatedMessageId() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> SyncState.parse(MAGIC + "\nfolder\tINBOX\nm\tpop3:a\nm\tpop3:a\nend\n"))
        .withMessageContaining("line 4").withMessageContaining("appears twice");
  }

  @Test
  void rejectsTextAfterTheEndLine() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> SyncState.parse(MAGIC + "\nfolder\tINBOX\nend\nm\tpop3:a\n"))
        .withMessageContaining("line 4").withMessageContaining("after the \"end\" line");
  }

  @Test
  void rejectsAStateWithoutFolder() {
    assertThatIllegalArgumentException().isThrownBy(() -> SyncState.parse(MAGIC + "\nend\n"))
        .withMessage("sync state has no folder line");
  }

  @Test
  void constructorRejectsBadNamesFlagsAndNumbers() {
    assertThatIllegalArgumentException().isThrownBy(() -> SyncState.initial("a\nb"))
        .withMessage("folder must be non-empty without tab, CR, LF or NUL, was \"a\\nb\"");
    assertThatIllegalArgumentException().isThrownBy(() -> new SyncState("INBOX", OptionalLong.empty(),
            OptionalLong.empty(), OptionalLong.empty(), Map.of("pop3:a", Set.of("has space"))))
        .withMessageContaining("flag must be non-empty without spaces or controls, was \"has space\"");
    assertThatIllegalArgumentException().isThrownBy(() -> new SyncState("INBOX", OptionalLong.of(0),
            OptionalLong.empty(), OptionalLong.empty(), Map.of()))
        .withMessage("uidValidity must be 1..4294967295, was 0");
  }

  @Test
  void toStringIsShort() {
    assertThat(SyncState.initial("INBOX")).hasToString("SyncState[folder=INBOX, known=0]");
  }
}
