package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SearchQueryTest {

  @Test
  void composesATree() {
    SearchQuery q = SearchQuery.and(SearchQuery.from("billing@"), SearchQuery.unseen(),
        SearchQuery.not(SearchQuery.or(SearchQuery.subject("newsletter"), SearchQuery.larger(1_000_000))),
        SearchQuery.since(LocalDate.of(2024, 1, 1)));
    assertThat(q).isInstanceOf(SearchQuery.And.class);
    assertThat(((SearchQuery.And) q).criteria()).hasSize(4)
        .contains(new SearchQuery.Text(SearchQuery.Field.FROM, "billing@"), new SearchQuery.HasFlag(Flag.SEEN, false));
  }

  @Test
  void shortcutsMeanWhatTheySay() {
    assertThat(SearchQuery.seen()).isEqualTo(SearchQuery.flag(Flag.SEEN, true));
    assertThat(SearchQuery.flagged()).isEqualTo(new SearchQuery.HasFlag(Flag.FLAGGED, true));
    assertThat(SearchQuery.all()).isSameAs(SearchQuery.All.INSTANCE);
    assertThat(SearchQuery.smaller(10)).isEqualTo(new SearchQuery.Size(false, 10));
    assertThat(SearchQuery.body("x")).isEqualTo(new SearchQuery.Text(SearchQuery.Field.BODY, "x"));
    assertThat(SearchQuery.anywhere("x")).isEqualTo(new SearchQuery.Text(SearchQuery.Field.TEXT, "x"));
    assertThat(SearchQuery.before(LocalDate.of(2024, 1, 1)))
        .isEqualTo(new SearchQuery.Date(SearchQuery.DateOp.BEFORE, LocalDate.of(2024, 1, 1)));
  }

  @Test
  void acceptsUnicodeText() {
    assertThat(SearchQuery.subject("请求 😀 طلب")).isEqualTo(new SearchQuery.Text(SearchQuery.Field.SUBJECT, "请求 😀 طلب"));
  }

  @Test
  void rejectsEmptyText() {
    assertThatIllegalArgumentException().isThrownBy(() -> SearchQuery.subject(""))
        .withMessage("search text for SUBJECT must not be empty");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\r\nA002 LOGOUT", "a\n", "a\u0000b"})
  void rejectsCrLfAndNulInText(String text) {
    assertThatIllegalArgumentException().isThrownBy(() -> SearchQuery.from(text))
        .withMessageStartingWith("search text must not contain")
        .withMessageContaining(EmailAddress.escape(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "paren(", "quote\"", "back\\slash", "star*", "percent%", "brace{", "bracket]",
      "ünicode", "tab\t"})
  void rejectsKeywordsThatAreNotImapAtoms(String keyword) {
    assertThatIllegalArgumentException().isThrownBy(() -> SearchQuery.keyword(keyword))
        .withMessage("keyword must be a non-empty IMAP atom, was \"" + EmailAddress.escape(keyword) + "\"");
  }

  @Test
  void acceptsKeywordAtoms() {
    assertThat(SearchQuery.keyword("$Label1")).isEqualTo(new SearchQuery.Keyword("$Label1"));
  }

  @Test
  void rejectsNegativeSizes() {
    assertThatIllegalArgumentException().isThrownBy(() -> SearchQuery.larger(-1)).withMessage("size must be >= 0, was -1");
  }

  @Test
  void rejectsEmptyAndOrOr() {
    assertThatIllegalArgumentException().isThrownBy(SearchQuery::and).withMessage("and(...) needs at least one criterion");
    assertThatIllegalArgumentException().isThrownBy(SearchQuery::or).withMessage("or(...) needs at least one criterion");
  }

  @Test
  void copiesCriteriaLists() {
    List<SearchQuery> list = new java.util.ArrayList<>(List.of(SearchQuery.seen()));
    SearchQuery.And and = new SearchQuery.And(list);
    list.add(SearchQuery.flagged());
    assertThat(and.criteria()).containsExactly(SearchQuery.seen());
  }
}
