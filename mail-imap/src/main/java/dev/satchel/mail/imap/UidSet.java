package dev.satchel.mail.imap;

import dev.satchel.mail.internal.ServerLimitException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * RFC 3501 sequence-sets of UIDs ({@code 1:3,7,9:10}): written compactly for commands, and read from
 * server answers without ever allocating for more UIDs than the caller allows.
 *
 * <pre>{@code
 * UidSet.format(new long[] {1, 2, 3, 7});        // "1:3,7"
 * UidSet.parse("3:1,7", ImapReplies.MAX_UIDS);   // {1, 2, 3, 7}
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
final class UidSet {
  /** The largest UID, 2^32 - 1. */
  static final long MAX_UID = 0xFFFF_FFFFL;

  private UidSet() {}

  /**
   * The shortest set for {@code sortedDistinct}: consecutive UIDs become ranges.
   *
   * @throws IllegalArgumentException when the array is empty, not strictly ascending, or holds a
   *     number outside 1..4294967295
   */
  static String format(long[] sortedDistinct) {
    if (sortedDistinct.length == 0) {
      throw new IllegalArgumentException("a UID set needs at least one UID, was empty");
    }
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < sortedDistinct.length) {
      long first = sortedDistinct[i];
      checkUid(first, i, sortedDistinct);
      int j = i;
      while (j + 1 < sortedDistinct.length && sortedDistinct[j + 1] == sortedDistinct[j] + 1) {
        j++;
      }
      checkUid(sortedDistinct[j], j, sortedDistinct);
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(first);
      if (j > i) {
        sb.append(':').append(sortedDistinct[j]);
      }
      i = j + 1;
    }
    return sb.toString();
  }

  private static void checkUid(long uid, int index, long[] all) {
    if (uid < 1 || uid > MAX_UID) {
      throw new IllegalArgumentException("UIDs must be 1..4294967295, was " + uid + " at index " + index);
    }
    if (index > 0 && all[index - 1] >= uid) {
      throw new IllegalArgumentException("UIDs must be strictly ascending, was " + all[index - 1] + " then " + uid
          + " at index " + index);
    }
  }

  /**
   * The UIDs of {@code set}, sorted ascending and distinct; {@code 3:1} is the same as {@code 1:3}
   * (RFC 3501 section 9).
   *
   * @return the UIDs, or null when {@code set} is not a sequence-set of UIDs (including {@code *}, 0
   *     and numbers above 4294967295)
   * @throws ServerLimitException when the set holds more than {@code maxCount} UIDs; checked before
   *     any array of UIDs is allocated
   */
  static long @Nullable [] parse(String set, long maxCount) throws ServerLimitException {
    long[] ranges = ranges(set);
    if (ranges == null) {
      return null;
    }
    // Both ends fit in 32 bits: pack each range into one long, sort by its low end, and merge
    // overlapping and adjacent ranges, so that the count is exact before allocating.
    long[] packed = new long[ranges.length / 2];
    for (int i = 0; i < packed.length; i++) {
      packed[i] = ranges[2 * i] << 32 | ranges[2 * i + 1];
    }
    Arrays.sort(packed);
    long[] merged = new long[ranges.length];
    int m = 0;
    for (long p : packed) {
      long lo = p >>> 32;
      long hi = p & MAX_UID;
      if (m > 0 && lo <= merged[m - 1] + 1) {
        merged[m - 1] = Math.max(merged[m - 1], hi);
      } else {
        merged[m++] = lo;
        merged[m++] = hi;
      }
    }
    long count = 0;
    for (int i = 0; i < m; i += 2) {
      count += merged[i + 1] - merged[i] + 1;
    }
    checkCount(count, maxCount);
    long[] out = new long[(int) count];
    int o = 0;
    for (int i = 0; i < m; i += 2) {
      for (long u = merged[i]; u <= merged[i + 1]; u++) {
        out[o++] = u;
      }
    }
    return out;
  }

  /**
   * The UIDs of {@code set} in the order written, ranges ascending, duplicates kept: the pairing
   * order of a COPYUID response code (RFC 4315).
   *
   * @return the UIDs, or null when {@code set} is malformed
   * @throws ServerLimitException when the set holds more than {@code maxCount} UIDs; checked before
   *     allocating
   */
  static long @Nullable [] parseInOrder(String set, long maxCount) throws ServerLimitException {
    long[] ranges = ranges(set);
    if (ranges == null) {
      return null;
    }
    long count = 0;
    for (int i = 0; i < ranges.length; i += 2) {
      count += ranges[i + 1] - ranges[i] + 1;
      checkCount(count, maxCount);
    }
    long[] out = new long[(int) count];
    int o = 0;
    for (int i = 0; i < ranges.length; i += 2) {
      for (long u = ranges[i]; u <= ranges[i + 1]; u++) {
        out[o++] = u;
      }
    }
    return out;
  }

  private static void checkCount(long count, long maxCount) throws ServerLimitException {
    if (count > maxCount || count > Integer.MAX_VALUE - 8) {
      throw new ServerLimitException("the server sent a UID set of " + count + " UIDs", maxCount, "maxUids");
    }
  }

  /** The ranges of {@code set} as (low, high) pairs, each low <= high, or null when malformed. */
  private static long @Nullable [] ranges(String set) {
    if (set.isEmpty()) {
      return null;
    }
    int parts = 1;
    for (int i = 0; i < set.length(); i++) {
      if (set.charAt(i) == ',') {
        parts++;
      }
    }
    long[] out = new long[2 * parts];
    int o = 0;
    int pos = 0;
    while (true) {
      int end = pos;
      while (end < set.length() && set.charAt(end) != ',') {
        end++;
      }
      int colon = set.indexOf(':', pos);
      if (colon >= 0 && colon < end) {
        long lo = number(set, pos, colon);
        long hi = number(set, colon + 1, end);
        if (lo < 0 || hi < 0) {
          return null;
        }
        out[o++] = Math.min(lo, hi);
        out[o++] = Math.max(lo, hi);
      } else {
        long uid = number(set, pos, end);
        if (uid < 0) {
          return null;
        }
        out[o++] = uid;
        out[o++] = uid;
      }
      if (end == set.length()) {
        return out;
      }
      pos = end + 1;
    }
  }

  /** The nz-number {@code s[from, to)} if it is one (1..4294967295, no sign, no leading zero), else -1. */
  private static long number(String s, int from, int to) {
    if (to <= from || to - from > 10 || s.charAt(from) == '0') {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v <= MAX_UID ? v : -1;
  }
}
