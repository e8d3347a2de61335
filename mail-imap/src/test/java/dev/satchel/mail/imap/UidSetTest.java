package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.satchel.mail.internal.ServerLimitException;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UidSetTest {
  private static long[] parse(String set) {
    try {
      return UidSet.parse(set, ImapReplies.MAX_UIDS);
    } catch (ServerLimitException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void formatsRunsAsRanges() {
    assertThat(UidSet.format(new long[] {1, 2, 3, 7, 9, 10})).isEqualTo("1:3,7,9:10");
    assertThat(UidSet.format(new long[] {42})).isEqualTo("42");
    assertThat(UidSet.format(new long[] {4294967294L, 4294967295L})).isEqualTo("4294967294:4294967295");
  }

  @Test
  void formatRefusesEmptyUnsortedAndOutOfRangeInput() {
    assertThatThrownBy(() -> UidSet.format(new long[0])).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a UID set needs at least one UID, was empty");
    assertThatThrownBy(() -> UidSet.format(new long[] {3, 2})).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("UIDs must be strictly ascending, was 3 then 2 at index 1");
    assertThatThrownBy(() -> UidSet.format(new long[] {1, 1})).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("UIDs must be strictly ascending, was 1 then 1 at index 1");
    assertThatThrownBy(() -> UidSet.format(new long[] {0, 1})).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("UIDs must be 1..4294967295, was 0 at index 0");
    assertThatThrownBy(() -> UidSet.format(new long[] {1, 4294967296L})).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("UIDs must be 1..4294967295, was 4294967296 at index 1");
  }

  @Test
  void parsesNumbersAndRangesSortedAndDistinct() {
    assertThat(parse("1:3,7")).containsExactly(1, 2, 3, 7);
    assertThat(parse("3:1")).containsExactly(1, 2, 3);
    assertThat(parse("9,1:2,2,8:7")).containsExactly(1, 2, 7, 8, 9);
    assertThat(parse("1:5,3:7,7")).containsExactly(1, 2, 3, 4, 5, 6, 7);
    assertThat(parse("4294967295")).containsExactly(4294967295L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "*", "1:*", "*:4", "0", "0:3", "4294967296", "99999999999", "1,,2", "1,", ",1", "1:",
      ":3", "a", " 1", "1 ", "1:2:3", "01", "-1", "+1", "1;2"})
  void malformedSetsGiveNull(String set) throws ServerLimitException {
    assertThat(UidSet.parse(set, ImapReplies.MAX_UIDS)).isNull();
    assertThat(UidSet.parseInOrder(set, ImapReplies.MAX_UIDS)).isNull();
  }

  @Test
  void refusesASetLargerThanTheLimitBeforeAllocating() throws ServerLimitException {
    assertThatThrownBy(() -> UidSet.parse("1:4294967295", ImapReplies.MAX_UIDS))
        .isInstanceOf(ServerLimitException.class)
        .hasMessage("the server sent a UID set of 4294967295 UIDs; the limit is 10000000 (maxUids)");
    assertThatThrownBy(() -> UidSet.parse("1:11", 10)).isInstanceOf(ServerLimitException.class);
    assertThat(UidSet.parse("1:10", 10)).hasSize(10);
    assertThat(UidSet.parse("1:10,10:1,5", 10)).hasSize(10); // overlaps count once
    assertThatThrownBy(() -> UidSet.parseInOrder("1:6,1:6", 10)).isInstanceOf(ServerLimitException.class);
    String many = "1:4294967295,".repeat(1000) + "1";
    assertThatThrownBy(() -> UidSet.parseInOrder(many, ImapReplies.MAX_UIDS)).isInstanceOf(ServerLimitException.class);
  }

  @Test
  void parseInOrderKeepsTheServersOrder() throws ServerLimitException {
    assertThat(UidSet.parseInOrder("304,319:320", 10)).containsExactly(304, 319, 320);
    assertThat(UidSet.parseInOrder("5,1:2,3:2", 10)).containsExactly(5, 1, 2, 2, 3);
  }

  @Test
  void formatThenParseGivesTheUidsBack() {
    // Small values make runs (ranges); an offset moves them anywhere up to the largest UID.
    qt().withExamples(1000)
        .forAll(lists().of(integers().between(1, 300)).ofSizeBetween(1, 100), longs().between(0, 4294967295L - 300))
        .checkAssert((small, offset) -> {
          long[] uids = new TreeSet<>(small.stream().map(i -> i + offset).toList()).stream()
              .mapToLong(Long::longValue).toArray();
          String set = UidSet.format(uids);
          assertThat(set).matches("[0-9]+(:[0-9]+)?(,[0-9]+(:[0-9]+)?)*");
          assertThat(parse(set)).containsExactly(uids);
        });
  }

  @Test
  void parseAgreesWithExpandingEveryRange() {
    qt().withExamples(1000).forAll(lists().of(integers().between(1, 60)).ofSizeBetween(1, 12))
        .checkAssert(ends -> {
          StringBuilder set = new StringBuilder();
          TreeSet<Long> expected = new TreeSet<>();
          for (int i = 0; i < ends.size(); i += 2) {
            int a = ends.get(i);
            int b = i + 1 < ends.size() ? ends.get(i + 1) : a;
            set.append(set.length() == 0 ? "" : ",").append(a == b ? String.valueOf(a) : a + ":" + b);
            for (long u = Math.min(a, b); u <= Math.max(a, b); u++) {
              expected.add(u);
            }
          }
          assertThat(parse(set.toString())).containsExactly(expected.stream().mapToLong(Long::longValue).toArray());
        });
  }

  @Test
  void formatOfASingleRunIsOneRange() {
    assertThat(UidSet.format(List.of(5L, 6L, 7L).stream().mapToLong(Long::longValue).toArray())).isEqualTo("5:7");
  }
}
