package dev.satchel.mail.imap;

import dev.satchel.mail.SearchQuery;
import dev.satchel.mail.imap.engine.ImapCommand;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The translation of a {@link SearchQuery} into one engine {@code UID SEARCH} command, run on the
 * server: the same search keys as {@link ImapSearch} writes for Angus. Text is sent as IMAP strings
 * (quoted, or a UTF-8 literal when not 7-bit); a query with non-ASCII text asks for
 * {@code CHARSET UTF-8}, unless UTF8=ACCEPT is enabled, where UTF-8 is the only charset and none is
 * named (RFC 6855 section 3).
 *
 * <pre>{@code
 * EngineSearch.compile(SearchQuery.and(SearchQuery.from("billing@"), SearchQuery.unseen()), false);
 * // UID SEARCH (FROM "billing@" UNSEEN)
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
final class EngineSearch {
  private static final DateTimeFormatter IMAP_DATE = DateTimeFormatter.ofPattern("d-MMM-yyyy", Locale.ENGLISH);

  private EngineSearch() {}

  /**
   * The {@code UID SEARCH} command for {@code query}.
   *
   * @param utf8Accept true when {@code ENABLE UTF8=ACCEPT} succeeded
   */
  static ImapCommand compile(SearchQuery query, boolean utf8Accept) {
    ImapCommand c = ImapCommand.of(!utf8Accept && hasNonAscii(query) ? "UID SEARCH CHARSET UTF-8 " : "UID SEARCH ");
    write(query, c);
    return c;
  }

  private static boolean hasNonAscii(SearchQuery q) {
    if (q instanceof SearchQuery.Text t) {
      return t.text().chars().anyMatch(ch -> ch > 0x7f);
    }
    if (q instanceof SearchQuery.And a) {
      return a.criteria().stream().anyMatch(EngineSearch::hasNonAscii);
    }
    if (q instanceof SearchQuery.Or o) {
      return o.criteria().stream().anyMatch(EngineSearch::hasNonAscii);
    }
    return q instanceof SearchQuery.Not n && hasNonAscii(n.criterion());
  }

  /** Writes the key for {@code q}, without a leading or trailing space. */
  private static void write(SearchQuery q, ImapCommand c) {
    if (q instanceof SearchQuery.All) {
      c.add("ALL");
    } else if (q instanceof SearchQuery.Text t) {
      c.add(t.field().name()).add(" ").string(t.text());
    } else if (q instanceof SearchQuery.Date d) {
      c.add(d.op().name()).add(" ").add(IMAP_DATE.format(d.date()));
    } else if (q instanceof SearchQuery.HasFlag f) {
      c.add(f.set() ? f.flag().name() : "UN" + f.flag().name());
    } else if (q instanceof SearchQuery.Keyword k) {
      c.add("KEYWORD ").add(k.keyword()); // an atom: checked by SearchQuery.Keyword
    } else if (q instanceof SearchQuery.Size s) {
      c.add(s.larger() ? "LARGER " : "SMALLER ").add(Long.toString(s.bytes()));
    } else if (q instanceof SearchQuery.And and) {
      if (and.criteria().size() == 1) {
        write(and.criteria().get(0), c);
      } else {
        c.add("(");
        for (int i = 0; i < and.criteria().size(); i++) {
          c.add(i == 0 ? "" : " ");
          write(and.criteria().get(i), c);
        }
        c.add(")");
      }
    } else if (q instanceof SearchQuery.Or or) {
      writeOr(or.criteria(), c);
    } else if (q instanceof SearchQuery.Not not) {
      c.add("NOT ");
      write(not.criterion(), c);
    } else {
      throw new IllegalArgumentException("unknown search criterion " + q);
    }
  }

  /** {@code OR a OR b c}: IMAP's OR takes two keys, so longer lists nest to the right. */
  private static void writeOr(List<SearchQuery> criteria, ImapCommand c) {
    if (criteria.size() == 1) {
      write(criteria.get(0), c);
      return;
    }
    c.add("OR ");
    write(criteria.get(0), c);
    c.add(" ");
    writeOr(criteria.subList(1, criteria.size()), c);
  }
}
