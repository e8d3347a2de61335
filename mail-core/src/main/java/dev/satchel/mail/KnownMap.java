package dev.satchel.mail;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The map behind {@link SyncState#known()}: message ids in ascending order, each with an immutable
 * sorted set of flags ({@link Tokens}), held in two arrays and searched by binary search.
 *
 * <p>A state of 10,000 messages is rebuilt several times per {@link InboxProcessor} run, so building
 * one costs linear time when the ids come sorted (from another state, from a serialized state, from
 * a POP3 server's UIDL list) and an array sort otherwise, with no per-entry tree nodes; an existing
 * {@code KnownMap} or {@code Tokens} is taken over as it is, without a copy. Ids and flags are
 * validated when a map is built ({@link SyncState#checkToken}, {@link SyncState#checkFlag}).
 *
 * <p>Immutable (every mutator throws {@link UnsupportedOperationException}) and thread-safe. Views
 * from {@link #subMap}, {@link #headMap} and {@link #tailMap} share the arrays and reject keys outside
 * their range as {@link java.util.TreeMap}'s do.
 */
final class KnownMap extends AbstractMap<String, Set<String>> implements SortedMap<String, Set<String>> {
  static final KnownMap EMPTY = new KnownMap(new String[0], new Tokens[0], 0, 0, null, null);

  private final String[] ids;
  private final Tokens[] values;
  private final int from;
  private final int to;
  /** The range of a view: lowest key allowed (inclusive) and highest (exclusive); null when open. */
  private final @Nullable String low;
  private final @Nullable String high;

  private KnownMap(String[] ids, Tokens[] values, int from, int to, @Nullable String low, @Nullable String high) {
    this.ids = ids;
    this.values = values;
    this.from = from;
    this.to = to;
    this.low = low;
    this.high = high;
  }

  /**
   * An immutable copy of {@code map}: the same map when it is already an unbounded {@code KnownMap}.
   *
   * @throws IllegalArgumentException when an id or a flag is malformed (see {@link SyncState})
   * @throws NullPointerException when a key, value or flag is null
   */
  static KnownMap copyOf(Map<String, ? extends Set<String>> map) {
    if (map instanceof KnownMap k && k.low == null && k.high == null) {
      return k;
    }
    int n = map.size();
    String[] ids = new String[n];
    Tokens[] values = new Tokens[n];
    int i = 0;
    for (Map.Entry<String, ? extends Set<String>> e : map.entrySet()) {
      if (i == ids.length) { // a map whose size() fell behind its iteration
        ids = Arrays.copyOf(ids, i * 2 + 1);
        values = Arrays.copyOf(values, ids.length);
      }
      String id = e.getKey();
      SyncState.checkToken("message id", id);
      ids[i] = id;
      values[i] = Tokens.copyOf(e.getValue());
      i++;
    }
    return build(ids, values, i);
  }

  /**
   * A map of the first {@code n} ids and values, which it takes over (the caller must not change
   * the arrays afterwards), for ids known to be valid already (taken from a {@code KnownMap}, or
   * {@link Uid#asString()} of a message): they are not checked again. Sorts them when they are not
   * sorted, keeping the last value of an id given twice.
   */
  static KnownMap ofValid(String[] ids, Tokens[] values, int n) {
    return build(ids, values, n);
  }

  /** The map of the first {@code n} (valid) ids and values, sorted unless they are already. */
  private static KnownMap build(String[] ids, Tokens[] values, int n) {
    if (n == 0) {
      return EMPTY;
    }
    for (int i = 1; i < n; i++) {
      if (ids[i - 1].compareTo(ids[i]) >= 0) {
        return sorted(ids, values, n);
      }
    }
    return new KnownMap(ids, values, 0, n, null, null);
  }

  /** Sorts by id (stable), keeping the last of equal ids, as {@code TreeMap.put} would. */
  private static KnownMap sorted(String[] ids, Tokens[] values, int n) {
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparing(i -> ids[i]));
    String[] sortedIds = new String[n];
    Tokens[] sortedValues = new Tokens[n];
    int m = 0;
    for (int k = 0; k < n; k++) {
      int i = order[k];
      if (m > 0 && sortedIds[m - 1].equals(ids[i])) {
        sortedValues[m - 1] = values[i];
      } else {
        sortedIds[m] = ids[i];
        sortedValues[m] = values[i];
        m++;
      }
    }
    return new KnownMap(sortedIds, sortedValues, 0, m, null, null);
  }

  @Override
  public int size() {
    return to - from;
  }

  @Override
  public boolean isEmpty() {
    return to == from;
  }

  private int indexOf(@Nullable Object key) {
    Objects.requireNonNull(key, "key");
    if (!(key instanceof String s)) {
      return -1;
    }
    int i = Arrays.binarySearch(ids, from, to, s);
    return i >= 0 ? i : -1;
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public @Nullable Set<String> get(@Nullable Object key) {
    int i = indexOf(key);
    return i >= 0 ? values[i] : null;
  }

  /** The {@code i}-th id in order, 0 <= i < size(). */
  String idAt(int i) {
    return ids[from + i];
  }

  /** The {@code i}-th value in order, 0 <= i < size(). */
  Tokens valueAt(int i) {
    return values[from + i];
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super Set<String>> action) {
    for (int i = from; i < to; i++) {
      action.accept(ids[i], values[i]);
    }
  }

  @Override
  public @Nullable Comparator<? super String> comparator() {
    return null;
  }

  @Override
  public String firstKey() {
    if (isEmpty()) {
      throw new NoSuchElementException();
    }
    return ids[from];
  }

  @Override
  public String lastKey() {
    if (isEmpty()) {
      throw new NoSuchElementException();
    }
    return ids[to - 1];
  }

  @Override
  public SortedMap<String, Set<String>> subMap(String fromKey, String toKey) {
    if (fromKey.compareTo(toKey) > 0) {
      throw new IllegalArgumentException("fromKey > toKey");
    }
    checkFrom(fromKey);
    checkTo(toKey);
    return view(fromKey, toKey);
  }

  @Override
  public SortedMap<String, Set<String>> headMap(String toKey) {
    checkTo(Objects.requireNonNull(toKey, "toKey"));
    return view(low, toKey);
  }

  @Override
  public SortedMap<String, Set<String>> tailMap(String fromKey) {
    checkFrom(Objects.requireNonNull(fromKey, "fromKey"));
    return view(fromKey, high);
  }

  /** A view's lowest key must lie in [low, high). */
  private void checkFrom(String key) {
    if ((low != null && key.compareTo(low) < 0) || (high != null && key.compareTo(high) >= 0)) {
      throw new IllegalArgumentException("fromKey out of range");
    }
  }

  /** A view's highest (exclusive) key must lie in [low, high]. */
  private void checkTo(String key) {
    if ((low != null && key.compareTo(low) < 0) || (high != null && key.compareTo(high) > 0)) {
      throw new IllegalArgumentException("toKey out of range");
    }
  }

  private KnownMap view(@Nullable String lowKey, @Nullable String highKey) {
    int start = lowKey == null ? from : lowerBound(lowKey);
    int end = highKey == null ? to : lowerBound(highKey);
    return new KnownMap(ids, values, start, Math.max(start, end), lowKey, highKey);
  }

  /** The first index in [from, to) whose id is not below {@code key}, or {@code to}. */
  private int lowerBound(String key) {
    int i = Arrays.binarySearch(ids, from, to, key);
    return i >= 0 ? i : -i - 1;
  }

  @Override
  public Set<String> keySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<String> iterator() {
        return new Cursor<>(from, to) {
          @Override
          String at(int i) {
            return ids[i];
          }
        };
      }

      @Override
      public int size() {
        return KnownMap.this.size();
      }

      @Override
      public boolean contains(@Nullable Object o) {
        return o != null && containsKey(o);
      }
    };
  }

  @Override
  public Collection<Set<String>> values() {
    return new AbstractCollection<>() {
      @Override
      public Iterator<Set<String>> iterator() {
        return new Cursor<>(from, to) {
          @Override
          Set<String> at(int i) {
            return values[i];
          }
        };
      }

      @Override
      public int size() {
        return KnownMap.this.size();
      }
    };
  }

  @Override
  public Set<Map.Entry<String, Set<String>>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, Set<String>>> iterator() {
        return new Cursor<>(from, to) {
          @Override
          Map.Entry<String, Set<String>> at(int i) {
            return new AbstractMap.SimpleImmutableEntry<>(ids[i], values[i]);
          }
        };
      }

      @Override
      public int size() {
        return KnownMap.this.size();
      }
    };
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (o instanceof KnownMap k) {
      if (k.size() != size()) {
        return false;
      }
      for (int i = from, j = k.from; i < to; i++, j++) {
        if (!ids[i].equals(k.ids[j]) || !values[i].equals(k.values[j])) {
          return false;
        }
      }
      return true;
    }
    return super.equals(o);
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (int i = from; i < to; i++) {
      h += ids[i].hashCode() ^ values[i].hashCode();
    }
    return h;
  }

  /** A read-only iterator over the indexes [from, to). */
  private abstract static class Cursor<T> implements Iterator<T> {
    private int next;
    private final int end;

    Cursor(int from, int to) {
      this.next = from;
      this.end = to;
    }

    abstract T at(int i);

    @Override
    public boolean hasNext() {
      return next < end;
    }

    @Override
    public T next() {
      if (next >= end) {
        throw new NoSuchElementException();
      }
      return at(next++);
    }
  }

  /**
   * An immutable set of flags or tokens, iterated in ascending order; equal to any {@link Set} with
   * the same strings. Validated when built ({@link SyncState#checkFlag}).
   */
  static final class Tokens extends AbstractSet<String> {
    static final Tokens EMPTY = new Tokens(new String[0]);

    private final String[] sorted;
    private int hash;

    private Tokens(String[] sorted) {
      this.sorted = sorted;
    }

    /**
     * The set as {@code Tokens}: the same object when it is one already.
     *
     * @throws IllegalArgumentException when a flag is malformed
     */
    static Tokens copyOf(Set<String> set) {
      if (set instanceof Tokens t) {
        return t;
      }
      if (set.isEmpty()) {
        return EMPTY;
      }
      return of(set.toArray(new String[0]));
    }

    /**
     * The given strings, which it takes over (the caller must not change the array afterwards), as
     * a set: validated, sorted, duplicates dropped.
     *
     * @throws IllegalArgumentException when one is malformed
     */
    static Tokens of(String... tokens) {
      if (tokens.length == 0) {
        return EMPTY;
      }
      for (String t : tokens) {
        SyncState.checkFlag(t);
      }
      if (tokens.length == 1) {
        return new Tokens(tokens);
      }
      Arrays.sort(tokens);
      int m = 1;
      for (int i = 1; i < tokens.length; i++) {
        if (!tokens[i].equals(tokens[m - 1])) {
          tokens[m++] = tokens[i];
        }
      }
      return new Tokens(m == tokens.length ? tokens : Arrays.copyOf(tokens, m));
    }

    @Override
    public int size() {
      return sorted.length;
    }

    @Override
    public boolean contains(@Nullable Object o) {
      return o instanceof String s && Arrays.binarySearch(sorted, s) >= 0;
    }

    @Override
    public Iterator<String> iterator() {
      return new Cursor<>(0, sorted.length) {
        @Override
        String at(int i) {
          return sorted[i];
        }
      };
    }

    @Override
    public boolean equals(@Nullable Object o) {
      if (o instanceof Tokens t) {
        return Arrays.equals(sorted, t.sorted);
      }
      return super.equals(o);
    }

    @Override
    public int hashCode() {
      int h = hash;
      if (h == 0) {
        for (String t : sorted) {
          h += t.hashCode();
        }
        hash = h;
      }
      return h;
    }
  }
}
