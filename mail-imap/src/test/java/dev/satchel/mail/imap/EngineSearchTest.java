package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.satchel.mail.Flag;
import dev.satchel.mail.SearchQuery;
import dev.satchel.mail.imap.engine.ImapCommand;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EngineSearchTest {
  private static String text(SearchQuery q) {
    return EngineSearch.compile(q, false).toString();
  }

  @Test
  void compilesEachKey() {
    assertThat(text(SearchQuery.all())).isEqualTo("UID SEARCH ALL");
    assertThat(text(SearchQuery.from("billing@"))).isEqualTo("UID SEARCH FROM \"billing@\"");
    assertThat(text(SearchQuery.to("a"))).isEqualTo("UID SEARCH TO \"a\"");
    assertThat(text(SearchQuery.cc("a"))).isEqualTo("UID SEARCH CC \"a\"");
    assertThat(text(SearchQuery.subject("two words"))).isEqualTo("UID SEARCH SUBJECT \"two words\"");
    assertThat(text(SearchQuery.body("x"))).isEqualTo("UID SEARCH BODY \"x\"");
    assertThat(text(SearchQuery.anywhere("x"))).isEqualTo("UID SEARCH TEXT \"x\"");
    assertThat(text(SearchQuery.since(LocalDate.of(2024, 2, 1)))).isEqualTo("UID SEARCH SINCE 1-Feb-2024");
    assertThat(text(SearchQuery.before(LocalDate.of(2023, 12, 24)))).isEqualTo("UID SEARCH BEFORE 24-Dec-2023");
    assertThat(text(SearchQuery.unseen())).isEqualTo("UID SEARCH UNSEEN");
    assertThat(text(SearchQuery.flag(Flag.DELETED, true))).isEqualTo("UID SEARCH DELETED");
    assertThat(text(SearchQuery.keyword("$Label1"))).isEqualTo("UID SEARCH KEYWORD $Label1");
    assertThat(text(SearchQuery.larger(1024))).isEqualTo("UID SEARCH LARGER 1024");
    assertThat(text(SearchQuery.smaller(0))).isEqualTo("UID SEARCH SMALLER 0");
  }

  @Test
  void compilesAndOrAndNot() {
    assertThat(text(SearchQuery.and(SearchQuery.from("a"), SearchQuery.unseen(), SearchQuery.larger(5))))
        .isEqualTo("UID SEARCH (FROM \"a\" UNSEEN LARGER 5)");
    assertThat(text(SearchQuery.and(SearchQuery.seen()))).isEqualTo("UID SEARCH SEEN");
    assertThat(text(SearchQuery.or(SearchQuery.from("a"), SearchQuery.from("b"), SearchQuery.from("c"))))
        .isEqualTo("UID SEARCH OR FROM \"a\" OR FROM \"b\" FROM \"c\"");
    assertThat(text(SearchQuery.or(SearchQuery.flagged()))).isEqualTo("UID SEARCH FLAGGED");
    assertThat(text(SearchQuery.not(SearchQuery.or(SearchQuery.seen(), SearchQuery.and(SearchQuery.to("x"),
        SearchQuery.smaller(9)))))).isEqualTo("UID SEARCH NOT OR SEEN (TO \"x\" SMALLER 9)");
  }

  @Test
  void quotesSpecialCharactersInStrings() {
    assertThat(text(SearchQuery.subject("say \"hi\" \\o/"))).isEqualTo("UID SEARCH SUBJECT \"say \\\"hi\\\" \\\\o/\"");
  }

  @Test
  void nonAsciiTextAsksForUtf8AndGoesAsALiteral() {
    ImapCommand c = EngineSearch.compile(SearchQuery.and(SearchQuery.unseen(), SearchQuery.subject("Grüße")), false);
    assertThat(c.toString()).isEqualTo("UID SEARCH CHARSET UTF-8 (UNSEEN SUBJECT {7} [literal])");
    assertThat(c.hasLiterals()).isTrue();
    assertThat(EngineSearch.compile(SearchQuery.not(SearchQuery.or(SearchQuery.seen(), SearchQuery.from("José"))), false)
        .toString()).startsWith("UID SEARCH CHARSET UTF-8 NOT OR SEEN FROM {5} [literal]");
  }

  @Test
  void underUtf8AcceptNoCharsetIsNamed() {
    assertThat(EngineSearch.compile(SearchQuery.subject("Grüße"), true).toString())
        .isEqualTo("UID SEARCH SUBJECT {7} [literal]");
    assertThat(EngineSearch.compile(SearchQuery.subject("plain"), true).toString())
        .isEqualTo("UID SEARCH SUBJECT \"plain\"");
  }

  @Test
  void asciiQueriesNeverNameACharset() {
    assertThat(text(SearchQuery.and(SearchQuery.from("a"), SearchQuery.keyword("x")))).doesNotContain("CHARSET");
  }

  @Test
  void randomQueriesGiveOneBalancedUidSearchCommand() {
    qt().withExamples(500).forAll(integers().allPositive()).checkAssert(seed -> {
      SearchQuery q = randomQuery(new Random(seed), 0);
      String t = text(q);
      assertThat(t).startsWith("UID SEARCH ").doesNotContain("\r").doesNotContain("\n");
      assertThat(t.chars().filter(c -> c == '(').count()).isEqualTo(t.chars().filter(c -> c == ')').count());
    });
  }

  /**
   * A random query of plain ASCII text (which both paths write as the same quoted strings). Its ands
   * have two or more criteria and its ors exactly two: describe() writes a one-element and in
   * parentheses and a longer or as {@code OR OR a b c}, where the command, like this one, has no
   * parentheses and {@code OR a OR b c}.
   */
  private static SearchQuery randomQuery(Random r, int depth) {
    int kind = r.nextInt(depth >= 3 ? 7 : 10);
    String[] words = {"a", "billing@example.com", "two words", "x-y", "Re:"};
    return switch (kind) {
      case 0 -> SearchQuery.all();
      case 1 -> new SearchQuery.Text(SearchQuery.Field.values()[r.nextInt(6)], words[r.nextInt(words.length)]);
      case 2 -> r.nextBoolean() ? SearchQuery.since(LocalDate.of(2000 + r.nextInt(30), 1 + r.nextInt(12), 1 + r.nextInt(28)))
          : SearchQuery.before(LocalDate.of(2000 + r.nextInt(30), 1 + r.nextInt(12), 1 + r.nextInt(28)));
      case 3 -> SearchQuery.flag(Flag.values()[r.nextInt(Flag.values().length)], r.nextBoolean());
      case 4 -> SearchQuery.keyword(r.nextBoolean() ? "$Label1" : "Work");
      case 5 -> r.nextBoolean() ? SearchQuery.larger(r.nextInt(100_000)) : SearchQuery.smaller(r.nextInt(100_000));
      case 6 -> SearchQuery.seen();
      case 7 -> new SearchQuery.And(children(r, depth));
      case 8 -> SearchQuery.or(randomQuery(r, depth + 1), randomQuery(r, depth + 1));
      default -> SearchQuery.not(randomQuery(r, depth + 1));
    };
  }

  private static List<SearchQuery> children(Random r, int depth) {
    List<SearchQuery> out = new ArrayList<>();
    int n = 2 + r.nextInt(3);
    for (int i = 0; i < n; i++) {
      out.add(randomQuery(r, depth + 1));
    }
    return out;
  }
}
