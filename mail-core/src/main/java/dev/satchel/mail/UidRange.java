package dev.satchel.mail;

/**
 * An inclusive range of IMAP UIDs, {@code first..last}; {@link #toEnd(long)} reaches the newest
 * message.
 *
 * @param first the lowest UID, at least 1
 * @param last the highest UID, at least {@code first}; {@link Long#MAX_VALUE} means "to the end"
 */
public record UidRange(long first, long last) {
  /**
   * Validates the range.
   *
   * @throws IllegalArgumentException when first is below 1 or last below first
   */
  public UidRange {
    if (first < 1) {
      throw new IllegalArgumentException("first UID must be >= 1, was " + first);
    }
    if (last < first) {
      throw new IllegalArgumentException("last UID must be >= first (" + first + "), was " + last);
    }
  }

  /** All UIDs from {@code first} on ({@code first:*}). */
  public static UidRange toEnd(long first) {
    return new UidRange(first, Long.MAX_VALUE);
  }

  /** Every UID. */
  public static UidRange all() {
    return toEnd(1);
  }

  /** True when this range reaches the newest message. */
  public boolean isOpenEnded() {
    return last == Long.MAX_VALUE;
  }
}
