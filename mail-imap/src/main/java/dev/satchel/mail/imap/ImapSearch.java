package dev.satchel.mail.imap;

import dev.satchel.mail.SearchQuery;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.eclipse.angus.mail.iap.Argument;

/** Translates a {@link SearchQuery} into one IMAP {@code UID SEARCH} command, run on the server. */
final class ImapSearch {
  private static final DateTimeFormatter IMAP_DATE = DateTimeFormatter.ofPattern("d-MMM-yyyy", Locale.ENGLISH);

  private ImapSearch() {}

  /** A command and its arguments. */
  record Compiled(String command, Argument args) {}

  static Compiled compile(SearchQuery query) {
    boolean utf8 = needsUtf8(query);
    Argument args = new Argument();
    write(query, args);
    return new Compiled(utf8 ? "UID SEARCH CHARSET UTF-8" : "UID SEARCH", args);
  }

  /** The search key as text, for tests and logs (literals shown as quoted strings). */
  static String describe(SearchQuery query) {
    StringBuilder sb = new StringBuilder();
    describe(query, sb);
    return sb.toString().trim();
  }

  private static boolean needsUtf8(SearchQuery q) {
    if (q instanceof SearchQuery.Text t) {
      return !StandardCharsets.US_ASCII.newEncoder().canEncode(t.text());
    }
    if (q instanceof SearchQuery.And a) {
      return a.criteria().stream().anyMatch(ImapSearch::needsUtf8);
    }
    if (q instanceof SearchQuery.Or o) {
      return o.criteria().stream().anyMatch(ImapSearch::needsUtf8);
    }
    if (q instanceof SearchQuery.Not n) {
      return needsUtf8(n.criterion());
    }
    return false;
  }

  private static void write(SearchQuery q, Argument a) {
    if (q instanceof SearchQuery.All) {
      a.writeAtom("ALL");
    } else if (q instanceof SearchQuery.Text t) {
      a.writeAtom(switch (t.field()) {
        case FROM -> "FROM";
        case TO -> "TO";
        case CC -> "CC";
        case SUBJECT -> "SUBJECT";
        case BODY -> "BODY";
        case TEXT -> "TEXT";
      });
      a.writeString(t.text(), StandardCharsets.UTF_8);
    } else if (q instanceof SearchQuery.Date d) {
      a.writeAtom(d.op() == SearchQuery.DateOp.SINCE ? "SINCE" : "BEFORE");
      a.writeAtom(IMAP_DATE.format(d.date()));
    } else if (q instanceof SearchQuery.HasFlag f) {
      String name = f.flag().name();
      a.writeAtom(f.set() ? name : "UN" + name);
    } else if (q instanceof SearchQuery.Keyword k) {
      a.writeAtom("KEYWORD");
      a.writeAtom(k.keyword());
    } else if (q instanceof SearchQuery.Size s) {
      a.writeAtom(s.larger() ? "LARGER" : "SMALLER");
      a.writeNumber(s.bytes());
    } else if (q instanceof SearchQuery.And and) {
      if (and.criteria().size() == 1) {
        write(and.criteria().get(0), a);
      } else {
        Argument inner = new Argument();
        for (SearchQuery c : and.criteria()) {
          write(c, inner);
        }
        a.writeArgument(inner);
      }
    } else if (q instanceof SearchQuery.Or or) {
      writeOr(or.criteria(), a);
    } else if (q instanceof SearchQuery.Not not) {
      a.writeAtom("NOT");
      write(not.criterion(), a);
    } else {
      throw new IllegalArgumentException("unknown search criterion " + q);
    }
  }

  private static void writeOr(List<SearchQuery> criteria, Argument a) {
    if (criteria.size() == 1) {
      write(criteria.get(0), a);
      return;
    }
    a.writeAtom("OR");
    write(criteria.get(0), a);
    writeOr(criteria.subList(1, criteria.size()), a);
  }

  private static void describe(SearchQuery q, StringBuilder sb) {
    if (q instanceof SearchQuery.Text t) {
      sb.append(t.field()).append(" \"").append(t.text()).append("\" ");
    } else if (q instanceof SearchQuery.And and) {
      sb.append('(');
      and.criteria().forEach(c -> describe(c, sb));
      sb.setLength(sb.length() - (sb.charAt(sb.length() - 1) == ' ' ? 1 : 0));
      sb.append(") ");
    } else if (q instanceof SearchQuery.Or or) {
      for (int i = 0; i < or.criteria().size() - 1; i++) {
        sb.append("OR ");
      }
      or.criteria().forEach(c -> describe(c, sb));
    } else if (q instanceof SearchQuery.Not not) {
      sb.append("NOT ");
      describe(not.criterion(), sb);
    } else if (q instanceof SearchQuery.Date d) {
      sb.append(d.op()).append(' ').append(IMAP_DATE.format(d.date())).append(' ');
    } else if (q instanceof SearchQuery.HasFlag f) {
      sb.append(f.set() ? "" : "UN").append(f.flag()).append(' ');
    } else if (q instanceof SearchQuery.Keyword k) {
      sb.append("KEYWORD ").append(k.keyword()).append(' ');
    } else if (q instanceof SearchQuery.Size s) {
      sb.append(s.larger() ? "LARGER " : "SMALLER ").append(s.bytes()).append(' ');
    } else {
      sb.append("ALL ");
    }
  }
}
