package dev.satchel.mail.imap.engine;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One server response, parsed. Status responses ({@code OK NO BAD BYE PREAUTH}) keep their response
 * code and text; data responses keep their items. A response the parser could not read is kept, not
 * dropped: its {@link #raw()} text and a {@link #problem()} say what was wrong.
 *
 * @param kind tagged, untagged or a continuation request
 * @param tag the tag of a tagged response, else null
 * @param items the items after the tag: for {@code * 3 FETCH (...)} the atoms {@code 3}, {@code FETCH}
 *     and the list; for status responses only the status atom
 * @param code the response code inside {@code [...]} of a status response, else null
 * @param text the human-readable text of a status response or continuation, else empty
 * @param raw the response's first line as sent (ISO-8859-1), for problems and traces
 * @param problem why the response could not be read completely, or null when it could
 */
public record ImapResponse(Kind kind, @Nullable String tag, List<ImapValue> items, @Nullable List<ImapValue> code,
    String text, String raw, @Nullable String problem) {

  /** What kind of response. */
  public enum Kind {
    TAGGED, UNTAGGED, CONTINUATION
  }

  /** The status word of a status response ({@code OK}, {@code NO}, ...), upper case, if this is one. */
  public Optional<String> status() {
    if (items.size() == 1 && items.get(0) instanceof ImapValue.Atom a && ImapResponseParser.isStatus(a.text())) {
      return Optional.of(a.text().toUpperCase(java.util.Locale.ROOT));
    }
    return Optional.empty();
  }

  /** True for a status response with {@code status} (any case). */
  public boolean is(String status) {
    return status().map(s -> s.equalsIgnoreCase(status)).orElse(false);
  }

  /** The item at {@code index}, or null past the end. */
  public @Nullable ImapValue item(int index) {
    return index < items.size() ? items.get(index) : null;
  }
}
