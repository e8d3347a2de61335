package dev.satchel.mail;

import java.time.LocalDate;
import java.util.List;

/**
 * Search criteria, composable into a small tree and run on the server (IMAP SEARCH). A criterion the
 * server cannot run is an error, never a silent client-side fallback.
 *
 * <pre>{@code
 * SearchQuery q = SearchQuery.and(SearchQuery.from("billing@"), SearchQuery.unseen(),
 *     SearchQuery.since(LocalDate.now().minusDays(7)));
 * }</pre>
 *
 * <p>Text criteria match substrings, case-insensitively, as IMAP defines. Immutable and thread-safe.
 */
public sealed interface SearchQuery {

  /** Every message. */
  static SearchQuery all() {
    return All.INSTANCE;
  }

  /** From contains {@code text}. */
  static SearchQuery from(String text) {
    return new Text(Field.FROM, text);
  }

  /** To contains {@code text}. */
  static SearchQuery to(String text) {
    return new Text(Field.TO, text);
  }

  /** Cc contains {@code text}. */
  static SearchQuery cc(String text) {
    return new Text(Field.CC, text);
  }

  /** Subject contains {@code text}. */
  static SearchQuery subject(String text) {
    return new Text(Field.SUBJECT, text);
  }

  /** The body contains {@code text}. */
  static SearchQuery body(String text) {
    return new Text(Field.BODY, text);
  }

  /** Header or body contains {@code text}. */
  static SearchQuery anywhere(String text) {
    return new Text(Field.TEXT, text);
  }

  /** Received on or after {@code date} (IMAP SINCE, by internal date). */
  static SearchQuery since(LocalDate date) {
    return new Date(DateOp.SINCE, date);
  }

  /** Received before {@code date} (IMAP BEFORE, by internal date). */
  static SearchQuery before(LocalDate date) {
    return new Date(DateOp.BEFORE, date);
  }

  /** With \Seen. */
  static SearchQuery seen() {
    return new HasFlag(Flag.SEEN, true);
  }

  /** Without \Seen. */
  static SearchQuery unseen() {
    return new HasFlag(Flag.SEEN, false);
  }

  /** With \Flagged. */
  static SearchQuery flagged() {
    return new HasFlag(Flag.FLAGGED, true);
  }

  /** With or without a system flag. */
  static SearchQuery flag(Flag flag, boolean set) {
    return new HasFlag(flag, set);
  }

  /** With a custom keyword. */
  static SearchQuery keyword(String keyword) {
    return new Keyword(keyword);
  }

  /** Larger than {@code bytes}. */
  static SearchQuery larger(long bytes) {
    return new Size(true, bytes);
  }

  /** Smaller than {@code bytes}. */
  static SearchQuery smaller(long bytes) {
    return new Size(false, bytes);
  }

  /** All of the criteria. */
  static SearchQuery and(SearchQuery... criteria) {
    return new And(List.of(criteria));
  }

  /** Any of the criteria. */
  static SearchQuery or(SearchQuery... criteria) {
    return new Or(List.of(criteria));
  }

  /** Not the criterion. */
  static SearchQuery not(SearchQuery criterion) {
    return new Not(criterion);
  }

  /** Text fields a query can look in. */
  enum Field {
    /** The From header. */
    FROM,
    /** The To header. */
    TO,
    /** The Cc header. */
    CC,
    /** The Subject header. */
    SUBJECT,
    /** The body. */
    BODY,
    /** Headers and body. */
    TEXT
  }

  /** Date comparisons. */
  enum DateOp {
    /** On or after. */
    SINCE,
    /** Strictly before. */
    BEFORE
  }

  /** Matches every message. */
  enum All implements SearchQuery {
    /** The only instance. */
    INSTANCE
  }

  /**
   * A substring match on a field.
   *
   * @param field where to look
   * @param text what to find; not empty, no CR, LF or NUL
   */
  record Text(Field field, String text) implements SearchQuery {
    /**
     * Validates the text.
     *
     * @throws IllegalArgumentException when empty or containing CR, LF or NUL
     */
    public Text {
      if (text.isEmpty()) {
        throw new IllegalArgumentException("search text for " + field + " must not be empty");
      }
      OutgoingMessage.checkHeaderText("search text", text);
    }
  }

  /**
   * A date comparison on the internal date.
   *
   * @param op the comparison
   * @param date the day
   */
  record Date(DateOp op, LocalDate date) implements SearchQuery {}

  /**
   * A flag test.
   *
   * @param flag the flag
   * @param set true for "has the flag"
   */
  record HasFlag(Flag flag, boolean set) implements SearchQuery {}

  /**
   * A keyword test.
   *
   * @param keyword the keyword, an IMAP atom
   */
  record Keyword(String keyword) implements SearchQuery {
    /**
     * Validates the keyword.
     *
     * @throws IllegalArgumentException unless a non-empty atom
     */
    public Keyword {
      if (keyword.isEmpty() || !keyword.chars().allMatch(c -> c > 32 && c < 127 && "(){%*\"\\]".indexOf(c) < 0)) {
        throw new IllegalArgumentException("keyword must be a non-empty IMAP atom, was \"" + EmailAddress.escape(keyword) + "\"");
      }
    }
  }

  /**
   * A size comparison.
   *
   * @param larger true for "larger than", false for "smaller than"
   * @param bytes the size in bytes, at least 0
   */
  record Size(boolean larger, long bytes) implements SearchQuery {
    /**
     * Validates the size.
     *
     * @throws IllegalArgumentException when negative
     */
    public Size {
      if (bytes < 0) {
        throw new IllegalArgumentException("size must be >= 0, was " + bytes);
      }
    }
  }

  /**
   * All criteria must match.
   *
   * @param criteria at least one
   */
  record And(List<SearchQuery> criteria) implements SearchQuery {
    /**
     * Validates the list.
     *
     * @throws IllegalArgumentException when empty
     */
    public And {
      criteria = List.copyOf(criteria);
      if (criteria.isEmpty()) {
        throw new IllegalArgumentException("and(...) needs at least one criterion");
      }
    }
  }

  /**
   * Any criterion must match.
   *
   * @param criteria at least one
   */
  record Or(List<SearchQuery> criteria) implements SearchQuery {
    /**
     * Validates the list.
     *
     * @throws IllegalArgumentException when empty
     */
    public Or {
      criteria = List.copyOf(criteria);
      if (criteria.isEmpty()) {
        throw new IllegalArgumentException("or(...) needs at least one criterion");
      }
    }
  }

  /**
   * The criterion must not match.
   *
   * @param criterion the negated criterion
   */
  record Not(SearchQuery criterion) implements SearchQuery {}
}
