package dev.satchel.mail;

import dev.satchel.mail.KnownMap.Tokens;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * An {@link InboxProcessor}'s record of one folder, kept in a {@link SyncState}: per message id,
 * {@code handled=<epoch second>}, {@code failures=<n>} or {@code dead=<epoch second>}, and the
 * message's flags as last seen ({@code f:\Seen}), so that {@code changesSince} does not report
 * every flagged message as changed on every run. Not thread-safe; used by one run at a time.
 *
 * <p>A run turns the book into a state several times (the view for {@code changesSince}, the saves),
 * each over every message in the folder. So records are kept in id order as loaded (new ones are
 * appended), and a record that did not change since it was loaded keeps the token set it was loaded
 * with: saving it again costs no string building and no copy.
 */
final class ProcessingBook {
  private static final String HANDLED = "handled=";
  private static final String FAILURES = "failures=";
  private static final String DEAD = "dead=";
  private static final String FLAG = "f:";
  private static final Entry NONE = new Entry(-1, 0, -1);

  /** One message's record. handledAt and deadAt are epoch seconds, or -1. */
  record Entry(long handledAt, int failures, long deadAt) {
    boolean acknowledged() {
      return handledAt >= 0;
    }

    boolean dead() {
      return deadAt >= 0;
    }

    /** Handed over for good: never to be handed over again. */
    boolean settled() {
      return acknowledged() || dead();
    }
  }

  /** A message's entry, its flags as last seen, and its tokens as saved (null once either changed). */
  private static final class Record {
    Entry entry;
    Tokens flags;
    @Nullable Tokens tokens;

    Record(Entry entry, Tokens flags, @Nullable Tokens tokens) {
      this.entry = entry;
      this.flags = flags;
      this.tokens = tokens;
    }
  }

  /**
   * In id order for the records loaded; records added in a run follow them. Every id is valid for a
   * state: loaded from one, or {@link Uid#asString()} of a message.
   */
  private final Map<String, Record> records;
  /** True while the records' iteration order is ascending by id; {@code lastId} is the last one. */
  private boolean ascending = true;
  private @Nullable String lastId;
  /** Flags seen on messages without a record (yet): non-empty sets only. */
  private final Map<String, Tokens> unrecordedFlags = new HashMap<>();
  /** What {@link #settled()} and {@link #toState} built last, until a record changes. */
  private @Nullable KnownMap settledView;
  private @Nullable KnownMap savedKnown;
  private @Nullable Tokens lastHandled;
  private long lastHandledAt;

  private ProcessingBook(int expected) {
    this.records = new LinkedHashMap<>(Math.max(16, (int) (expected / 0.75f) + 1));
  }

  static ProcessingBook from(SyncState state) {
    SortedMap<String, Set<String>> known = state.known();
    ProcessingBook book = new ProcessingBook(known.size());
    String[] ids = new String[known.size()];
    Tokens[] flags = new Tokens[ids.length];
    int[] n = {0};
    known.forEach((id, tokens) -> {
      Record r = load(tokens);
      book.records.put(id, r);
      if (r.entry.settled()) {
        ids[n[0]] = id;
        flags[n[0]] = r.flags;
        n[0]++;
      }
    });
    book.lastId = known.isEmpty() ? null : known.lastKey();
    book.settledView = KnownMap.ofValid(ids, flags, n[0]);
    return book;
  }

  /** Forgets what was built from the records: one of them changed. */
  private void changed() {
    settledView = null;
    savedKnown = null;
  }

  /** Parses one message's tokens; a damaged token counts as absent. */
  private static Record load(Set<String> tokens) {
    long handled = -1;
    int failures = 0;
    long dead = -1;
    List<String> seen = null;
    // The loaded tokens can be saved again as they are only when they are what toState would write.
    int handledTokens = 0;
    boolean canonical = true;
    for (String token : tokens) {
      try {
        if (token.startsWith(FLAG) && token.length() > FLAG.length()) {
          if (seen == null) {
            seen = new ArrayList<>(2);
          }
          seen.add(token.substring(FLAG.length()));
        } else if (token.startsWith(HANDLED)) {
          canonical &= isPlainNumber(token, HANDLED.length());
          handledTokens++;
          handled = Long.parseLong(token, HANDLED.length(), token.length(), 10);
        } else if (token.startsWith(FAILURES)) {
          canonical = false;
          failures = Integer.parseInt(token, FAILURES.length(), token.length(), 10);
        } else if (token.startsWith(DEAD)) {
          canonical = false;
          dead = Long.parseLong(token, DEAD.length(), token.length(), 10);
        } else {
          canonical = false;
        }
      } catch (NumberFormatException ignored) {
        // a damaged token counts as absent
      }
    }
    if (handled < 0 && failures == 0 && dead < 0) {
      handled = 0; // a state from changesSince without the processor's tokens: known means handled
    }
    Tokens flags = seen == null ? Tokens.EMPTY : Tokens.of(seen.toArray(new String[0]));
    // Canonical: exactly one plain handled=<n> token (with n >= 0), plus f: tokens.
    boolean reuse = canonical && handledTokens == 1 && handled >= 0 && tokens instanceof Tokens;
    return new Record(new Entry(handled, failures, dead), flags, reuse ? (Tokens) tokens : null);
  }

  /** True when token[start..] is a decimal number as {@code Long.toString} writes one (no sign, no leading 0). */
  private static boolean isPlainNumber(String token, int start) {
    int digits = token.length() - start;
    if (digits < 1 || digits > 18 || (digits > 1 && token.charAt(start) == '0')) {
      return false;
    }
    for (int i = start; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** The ids never to hand over again, with their flags: what {@code changesSince} should treat as known. */
  Map<String, Set<String>> settled() {
    KnownMap done = settledView;
    if (done != null) {
      return done;
    }
    String[] ids = new String[records.size()];
    Tokens[] flags = new Tokens[ids.length];
    int n = 0;
    for (Map.Entry<String, Record> e : records.entrySet()) {
      Record r = e.getValue();
      if (r.entry.settled()) {
        ids[n] = e.getKey();
        flags[n] = r.flags;
        n++;
      }
    }
    done = KnownMap.ofValid(ids, flags, n);
    settledView = done;
    return done;
  }

  /**
   * Takes in what {@code changesSince} reported: forgets every message not in {@code present}, and
   * records the flags of those that are (saved only for messages with a record). One merge of the
   * two id-ordered lists when the records are in id order, as after loading.
   */
  void update(SyncState present) {
    SortedMap<String, Set<String>> now = present.known();
    unrecordedFlags.clear();
    if (!(ascending && now instanceof KnownMap known)) {
      if (records.keySet().removeIf(id -> !now.containsKey(id))) {
        changed();
      }
      observe(now);
      return;
    }
    String last = null;
    int j = 0;
    int size = known.size();
    for (Iterator<Map.Entry<String, Record>> it = records.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Record> e = it.next();
      String id = e.getKey();
      int c = -1;
      while (j < size && (c = known.idAt(j).compareTo(id)) < 0) {
        observeUnrecorded(known.idAt(j), known.valueAt(j));
        j++;
      }
      if (j < size && c == 0) {
        observe(e.getValue(), known.valueAt(j));
        last = id;
        j++;
      } else {
        it.remove();
        changed();
      }
    }
    for (; j < size; j++) {
      observeUnrecorded(known.idAt(j), known.valueAt(j));
    }
    lastId = last;
  }

  /** {@link #update}'s second half: the flags of every message in {@code known}. */
  private void observe(Map<String, Set<String>> known) {
    known.forEach((id, f) -> {
      Record r = records.get(id);
      if (r != null) {
        observe(r, f);
      } else {
        observeUnrecorded(id, f);
      }
    });
  }

  private void observe(Record r, Set<String> flags) {
    if (!r.flags.equals(flags)) {
      r.flags = Tokens.copyOf(flags);
      r.tokens = null;
      changed();
    }
  }

  private void observeUnrecorded(String id, Set<String> flags) {
    if (flags.isEmpty()) {
      unrecordedFlags.remove(id);
    } else {
      unrecordedFlags.put(id, Tokens.copyOf(flags));
    }
  }

  /** Records that the processor itself set {@code flag} on the message (so it is no change next run). */
  void flagged(String id, String flag) {
    Record r = records.get(id);
    Tokens before = r != null ? r.flags : unrecordedFlags.getOrDefault(id, Tokens.EMPTY);
    if (before.contains(flag)) {
      return;
    }
    String[] after = before.toArray(new String[before.size() + 1]);
    after[before.size()] = flag;
    Tokens flags = Tokens.of(after);
    if (r != null) {
      r.flags = flags;
      r.tokens = null;
      changed();
    } else {
      unrecordedFlags.put(id, flags);
    }
  }

  Entry get(String id) {
    Record r = records.get(id);
    return r == null ? NONE : r.entry;
  }

  void clear() {
    records.clear();
    unrecordedFlags.clear();
    ascending = true;
    lastId = null;
    changed();
  }

  void acknowledged(String id, Instant at) {
    set(id, new Entry(at.getEpochSecond(), get(id).failures(), -1));
  }

  int failed(String id) {
    Entry e = get(id);
    set(id, new Entry(-1, e.failures() + 1, -1));
    return e.failures() + 1;
  }

  void dead(String id, Instant at) {
    set(id, new Entry(-1, get(id).failures(), at.getEpochSecond()));
  }

  private void set(String id, Entry entry) {
    Record r = records.get(id);
    if (r == null) {
      Tokens flags = unrecordedFlags.remove(id);
      records.put(id, new Record(entry, flags == null ? Tokens.EMPTY : flags, null));
      String last = lastId;
      ascending &= last == null || last.compareTo(id) < 0;
      lastId = id;
    } else {
      r.entry = entry;
      r.tokens = null;
    }
    changed();
  }

  /** Calls {@code action} with every message's id and entry. */
  void forEach(BiConsumer<String, Entry> action) {
    records.forEach((id, r) -> action.accept(id, r.entry));
  }

  SyncState toState(String folder, OptionalLong uidValidity, OptionalLong uidNext, OptionalLong highestModSeq) {
    KnownMap known = savedKnown;
    if (known == null) {
      known = known();
      savedKnown = known;
    }
    return new SyncState(folder, uidValidity, uidNext, highestModSeq, known);
  }

  private KnownMap known() {
    String[] ids = new String[records.size()];
    Tokens[] tokens = new Tokens[ids.length];
    int n = 0;
    for (Map.Entry<String, Record> e : records.entrySet()) {
      Record r = e.getValue();
      Tokens t = r.tokens;
      if (t == null) {
        t = tokens(r.entry, r.flags);
        r.tokens = t;
      }
      ids[n] = e.getKey();
      tokens[n] = t;
      n++;
    }
    return KnownMap.ofValid(ids, tokens, n);
  }

  /** The tokens of a handled message without flags: shared by all handled in the same second. */
  private Tokens tokens(Entry e, Tokens flags) {
    if (e.acknowledged() && flags.isEmpty()) {
      Tokens last = lastHandled;
      if (last == null || lastHandledAt != e.handledAt()) {
        last = Tokens.of(HANDLED + e.handledAt());
        lastHandled = last;
        lastHandledAt = e.handledAt();
      }
      return last;
    }
    List<String> tokens = new ArrayList<>(2 + flags.size());
    if (e.acknowledged()) {
      tokens.add(HANDLED + e.handledAt());
    } else if (e.dead()) {
      tokens.add(DEAD + e.deadAt());
      tokens.add(FAILURES + e.failures());
    } else {
      tokens.add(FAILURES + e.failures());
    }
    for (String f : flags) {
      tokens.add(FLAG + f);
    }
    return Tokens.of(tokens.toArray(new String[0]));
  }
}
