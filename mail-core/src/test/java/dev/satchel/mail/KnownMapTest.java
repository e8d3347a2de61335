package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.satchel.mail.KnownMap.Tokens;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** {@link KnownMap} must behave as the unmodifiable {@code TreeMap} of sorted sets it replaced. */
class KnownMapTest {

  /** Short ids from a small alphabet, so that probes and bounds often hit existing ids. */
  static Gen<String> id() {
    return strings().betweenCodePoints('a', 'e').ofLengthBetween(1, 4);
  }

  static Gen<Set<String>> flags() {
    return lists().of(strings().betweenCodePoints('A', 'D').ofLengthBetween(1, 3)).ofSizeBetween(0, 4)
        .map(l -> (Set<String>) new TreeSet<>(l));
  }

  static Gen<TreeMap<String, Set<String>>> maps() {
    return lists().of(id().zip(flags(), Map::entry)).ofSizeBetween(0, 30).map(entries -> {
      TreeMap<String, Set<String>> m = new TreeMap<>();
      entries.forEach(e -> m.put(e.getKey(), e.getValue()));
      return m;
    });
  }

  /** The same entries in a hash map's (unsorted) order. */
  private static Map<String, Set<String>> unsorted(Map<String, Set<String>> m) {
    return new HashMap<>(m);
  }

  @Test
  void actsAsTheTreeMapItWasBuiltFrom() {
    qt().forAll(maps(), lists().of(id()).ofSizeBetween(0, 10)).checkAssert((tree, probes) -> {
      KnownMap known = KnownMap.copyOf(unsorted(tree));
      assertThat(known).isEqualTo(tree).hasSameHashCodeAs(tree).hasSize(tree.size());
      assertThat(tree).isEqualTo(known);
      assertThat(new ArrayList<>(known.keySet())).containsExactlyElementsOf(tree.keySet());
      assertThat(new ArrayList<>(known.values())).containsExactlyElementsOf(tree.values());
      assertThat(known.toString()).isEqualTo(tree.toString());
      for (String probe : probes) {
        assertThat(known.get(probe)).isEqualTo(tree.get(probe));
        assertThat(known.containsKey(probe)).isEqualTo(tree.containsKey(probe));
        assertThat(known.keySet().contains(probe)).isEqualTo(tree.containsKey(probe));
      }
      assertSameOutcome(known::firstKey, tree::firstKey);
      assertSameOutcome(known::lastKey, tree::lastKey);
      assertThat(known.comparator()).isNull();
    });
  }

  @Test
  void viewsActAsTreeMapViews() {
    qt().forAll(maps(), id(), id(), id()).checkAssert((tree, a, b, c) -> {
      SortedMap<String, Set<String>> known = KnownMap.copyOf(tree);
      assertSameView(known.subMap(min(a, b), max(a, b)), tree.subMap(min(a, b), max(a, b)), c);
      assertSameView(known.headMap(a), tree.headMap(a), c);
      assertSameView(known.tailMap(a), tree.tailMap(a), c);
      assertSameOutcome(() -> known.subMap(max(a, b) + "z", min(a, b)), () -> tree.subMap(max(a, b) + "z", min(a, b)));
    });
  }

  private static String min(String a, String b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String max(String a, String b) {
    return a.compareTo(b) <= 0 ? b : a;
  }

  /** A view and its views, probed with {@code c}, including the range errors of nested views. */
  private static void assertSameView(SortedMap<String, Set<String>> known, SortedMap<String, Set<String>> tree, String c) {
    assertThat(known).isEqualTo(tree).hasSameHashCodeAs(tree);
    assertThat(new ArrayList<>(known.keySet())).containsExactlyElementsOf(tree.keySet());
    assertThat(known.containsKey(c)).isEqualTo(tree.containsKey(c));
    assertSameOutcome(known::firstKey, tree::firstKey);
    assertSameOutcome(known::lastKey, tree::lastKey);
    assertSameOutcome(() -> new TreeMap<>(known.headMap(c)), () -> new TreeMap<>(tree.headMap(c)));
    assertSameOutcome(() -> new TreeMap<>(known.tailMap(c)), () -> new TreeMap<>(tree.tailMap(c)));
    assertSameOutcome(() -> new TreeMap<>(known.subMap(c, c + "z")), () -> new TreeMap<>(tree.subMap(c, c + "z")));
  }

  /** Both return equal values, or both throw the same exception type. */
  private static void assertSameOutcome(Supplier<?> actual, Supplier<?> expected) {
    Object want;
    try {
      want = expected.get();
    } catch (RuntimeException e) {
      assertThatThrownBy(actual::get).isInstanceOf(e.getClass());
      return;
    }
    assertThat(actual.get()).isEqualTo(want);
  }

  @Test
  void sortedInputIsTakenAsItIsAndAKnownMapIsNotCopied() {
    Map<String, Set<String>> sorted = new LinkedHashMap<>();
    sorted.put("pop3:a", Set.of());
    sorted.put("pop3:b", Set.of("\\Seen"));
    KnownMap known = KnownMap.copyOf(sorted);
    assertThat(known.keySet()).containsExactly("pop3:a", "pop3:b");
    assertThat(KnownMap.copyOf(known)).isSameAs(known);
    assertThat(known.get("pop3:a")).isSameAs(Tokens.EMPTY);
  }

  @Test
  void givenTwiceTheLastValueWins() {
    String[] ids = {"b", "a", "b"};
    Tokens[] values = {Tokens.of("1"), Tokens.of("2"), Tokens.of("3")};
    KnownMap known = KnownMap.ofValid(ids, values, 3);
    assertThat(known).containsExactly(Map.entry("a", Set.of("2")), Map.entry("b", Set.of("3")));
  }

  @Test
  void cannotBeChanged() {
    KnownMap known = KnownMap.copyOf(Map.of("a", Set.of("x")));
    assertThatThrownBy(() -> known.put("b", Set.of())).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> known.remove("a")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(known::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> known.keySet().remove("a")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> known.entrySet().iterator().next().setValue(Set.of()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> known.get("a").add("y")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> known.keySet().iterator().remove()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> KnownMap.EMPTY.firstKey()).isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> known.get(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void tokensActAsASortedSetWithoutRepeats() {
    qt().forAll(lists().of(strings().betweenCodePoints('a', 'c').ofLengthBetween(1, 2)).ofSizeBetween(0, 8))
        .checkAssert(list -> {
          TreeSet<String> want = new TreeSet<>(list);
          Tokens tokens = Tokens.of(list.toArray(new String[0]));
          assertThat(tokens).isEqualTo(want).hasSameHashCodeAs(want).containsExactlyElementsOf(want);
          assertThat(want).isEqualTo(tokens);
          assertThat(Tokens.copyOf(want)).isEqualTo(tokens);
          assertThat(Tokens.copyOf(tokens)).isSameAs(tokens);
          for (String probe : List.of("a", "b", "ab", "cc", "d")) {
            assertThat(tokens.contains(probe)).isEqualTo(want.contains(probe));
          }
        });
  }

  @Test
  void rejectsMalformedIdsAndFlagsAsSyncStateDoes() {
    assertThatThrownBy(() -> KnownMap.copyOf(Map.of("a\tb", Set.of()))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("message id must be non-empty without tab");
    assertThatThrownBy(() -> KnownMap.copyOf(Map.of("a", Set.of("two words")))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flag must be non-empty without spaces");
    assertThatThrownBy(() -> Tokens.of("ok", "")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void largeUnsortedInputIsSorted() {
    qt().withExamples(20).forAll(integers().between(0, 5000)).checkAssert(n -> {
      Map<String, Set<String>> m = new HashMap<>();
      for (int i = 0; i < n; i++) {
        m.put("pop3:" + Integer.toHexString(i * 7919), Set.of());
      }
      assertThat(KnownMap.copyOf(m)).isEqualTo(new TreeMap<>(m));
      assertThat(new ArrayList<>(KnownMap.copyOf(m).keySet())).containsExactlyElementsOf(new TreeMap<>(m).keySet());
    });
  }
}
