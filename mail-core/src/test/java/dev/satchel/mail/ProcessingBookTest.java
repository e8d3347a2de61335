package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@link ProcessingBook} keeps loaded token sets and records in load order to save quickly; what it
 * saves must still be exactly what the plain model below (one tree map per concern, every token
 * written anew) saves, whatever the loaded state holds and whatever a run does to it.
 */
class ProcessingBookTest {
  private static final List<String> IDS = List.of("pop3:a", "pop3:b", "pop3:c", "pop3:d", "pop3:e", "imap:1/10", "imap:1/9");
  private static final List<String> TOKENS = List.of("handled=5", "handled=0", "handled=007", "handled=-1", "handled=+3",
      "handled=x", "handled=", "handled=1234567890123456789", "failures=2", "failures=0", "failures=x", "dead=9", "dead=-2",
      "f:\\Seen", "f:$Label", "f:", "other=1", "\\Seen");
  private static final List<String> FLAGS = List.of("\\Seen", "\\Flagged", "$Label");

  static Gen<String> id() {
    return Generate.pick(IDS);
  }

  static Gen<SyncState> loaded() {
    return lists().of(id().zip(lists().of(Generate.pick(TOKENS)).ofSizeBetween(0, 3), Map::entry)).ofSizeBetween(0, 6)
        .map(entries -> {
          Map<String, Set<String>> known = new HashMap<>();
          entries.forEach(e -> known.put(e.getKey(), new TreeSet<>(e.getValue())));
          return new SyncState("INBOX", OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), known);
        });
  }

  /** One step of a run: kind, an id, a flag, a number. */
  record Op(int kind, String id, String flag, int n) {}

  static Gen<List<Op>> runs() {
    Gen<Op> op = integers().between(0, 6).zip(id(), Generate.pick(FLAGS), integers().between(0, 3), Op::new);
    return lists().of(op).ofSizeBetween(0, 12);
  }

  @Test
  void savesWhatThePlainModelSaves() {
    qt().forAll(loaded(), runs()).checkAssert((state, ops) -> {
      ProcessingBook book = ProcessingBook.from(state);
      Model model = Model.from(state);
      check(book, model);
      for (Op op : ops) {
        switch (op.kind()) {
          case 0 -> {
            book.acknowledged(op.id(), Instant.ofEpochSecond(op.n()));
            model.acknowledged(op.id(), op.n());
          }
          case 1 -> assertThat(book.failed(op.id())).isEqualTo(model.failed(op.id()));
          case 2 -> {
            book.dead(op.id(), Instant.ofEpochSecond(op.n()));
            model.dead(op.id(), op.n());
          }
          case 3 -> {
            book.flagged(op.id(), op.flag());
            model.flagged(op.id(), op.flag());
          }
          case 4, 5 -> {
            // What changesSince saw: every id but one (kind 4) or a few (kind 5), some with flags.
            Map<String, Set<String>> present = new TreeMap<>();
            for (int i = 0; i < IDS.size(); i++) {
              String id = IDS.get(i);
              boolean gone = op.kind() == 4 ? id.equals(op.id()) : (i + op.n()) % 3 == 0;
              if (!gone) {
                present.put(id, (i + op.n()) % 2 == 0 ? Set.of()
                    : new TreeSet<>(List.of(FLAGS.get(i % FLAGS.size()), op.flag())));
              }
            }
            SyncState now = new SyncState("INBOX", OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), present);
            book.update(now);
            model.retainOnly(present.keySet());
            model.observe(now.known());
          }
          default -> {
            book.clear();
            model.clear();
          }
        }
        check(book, model);
      }
    });
  }

  private static void check(ProcessingBook book, Model model) {
    SyncState saved = book.toState("INBOX", OptionalLong.empty(), OptionalLong.of(7), OptionalLong.empty());
    assertThat(saved.known()).isEqualTo(model.toState());
    assertThat(new TreeMap<>(book.settled())).isEqualTo(model.settled());
    assertThat(saved.uidNext()).hasValue(7);
    for (String id : IDS) {
      assertThat(book.get(id)).isEqualTo(model.get(id));
    }
    // A second save of an unchanged book is equal, and saving it again after loading it changes nothing.
    assertThat(book.toState("INBOX", OptionalLong.empty(), OptionalLong.of(7), OptionalLong.empty())).isEqualTo(saved);
    assertThat(ProcessingBook.from(saved).toState("INBOX", OptionalLong.empty(), OptionalLong.of(7), OptionalLong.empty()))
        .isEqualTo(saved);
  }

  @Test
  void aRecordLoadedUnchangedIsSavedWithTheSameTokens() {
    SyncState state = new SyncState("INBOX", OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
        Map.of("pop3:a", Set.of("handled=17", "f:\\Seen"), "pop3:b", Set.of("failures=1")));
    SyncState saved = ProcessingBook.from(state).toState("INBOX", OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());
    assertThat(saved.known().get("pop3:a")).isSameAs(state.known().get("pop3:a"));
    assertThat(saved).isEqualTo(state);
  }

  /** The book as a plain model: entries and flags in tree maps, every token written anew. */
  private static final class Model {
    private final Map<String, ProcessingBook.Entry> entries = new TreeMap<>();
    private final Map<String, Set<String>> flags = new TreeMap<>();

    static Model from(SyncState state) {
      Model m = new Model();
      state.known().forEach((id, tokens) -> {
        long handled = -1;
        int failures = 0;
        long dead = -1;
        Set<String> seen = new TreeSet<>();
        for (String t : tokens) {
          try {
            if (t.startsWith("f:") && t.length() > 2) {
              seen.add(t.substring(2));
            } else if (t.startsWith("handled=")) {
              handled = Long.parseLong(t.substring(8));
            } else if (t.startsWith("failures=")) {
              failures = Integer.parseInt(t.substring(9));
            } else if (t.startsWith("dead=")) {
              dead = Long.parseLong(t.substring(5));
            }
          } catch (NumberFormatException ignored) {
            // absent
          }
        }
        if (handled < 0 && failures == 0 && dead < 0) {
          handled = 0;
        }
        m.entries.put(id, new ProcessingBook.Entry(handled, failures, dead));
        if (!seen.isEmpty()) {
          m.flags.put(id, seen);
        }
      });
      return m;
    }

    ProcessingBook.Entry get(String id) {
      return entries.getOrDefault(id, new ProcessingBook.Entry(-1, 0, -1));
    }

    void acknowledged(String id, long at) {
      entries.put(id, new ProcessingBook.Entry(at, get(id).failures(), -1));
    }

    int failed(String id) {
      int n = get(id).failures() + 1;
      entries.put(id, new ProcessingBook.Entry(-1, n, -1));
      return n;
    }

    void dead(String id, long at) {
      entries.put(id, new ProcessingBook.Entry(-1, get(id).failures(), at));
    }

    void flagged(String id, String flag) {
      flags.computeIfAbsent(id, k -> new TreeSet<>()).add(flag);
    }

    void observe(Map<String, Set<String>> known) {
      known.forEach((id, f) -> {
        if (f.isEmpty()) {
          flags.remove(id);
        } else {
          flags.put(id, new TreeSet<>(f));
        }
      });
    }

    void retainOnly(Set<String> present) {
      entries.keySet().retainAll(present);
      flags.keySet().retainAll(entries.keySet());
    }

    void clear() {
      entries.clear();
      flags.clear();
    }

    Map<String, Set<String>> settled() {
      Map<String, Set<String>> out = new TreeMap<>();
      entries.forEach((id, e) -> {
        if (e.settled()) {
          out.put(id, flags.getOrDefault(id, Set.of()));
        }
      });
      return out;
    }

    Map<String, Set<String>> toState() {
      Map<String, Set<String>> out = new TreeMap<>();
      entries.forEach((id, e) -> {
        Set<String> tokens = new TreeSet<>();
        if (e.acknowledged()) {
          tokens.add("handled=" + e.handledAt());
        } else if (e.dead()) {
          tokens.add("dead=" + e.deadAt());
          tokens.add("failures=" + e.failures());
        } else {
          tokens.add("failures=" + e.failures());
        }
        flags.getOrDefault(id, Set.of()).forEach(f -> tokens.add("f:" + f));
        out.put(id, tokens);
      });
      return out;
    }
  }
}
