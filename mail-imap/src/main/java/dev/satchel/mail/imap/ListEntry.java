package dev.satchel.mail.imap;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One LIST or LSUB answer: a mailbox name, its hierarchy delimiter and its attributes.
 *
 * @param name the mailbox name, decoded (modified UTF-7 undone, or UTF-8 as sent under UTF8=ACCEPT);
 *     empty for the answer to {@code LIST "" ""}, which only reports the delimiter
 * @param delimiter the hierarchy delimiter, or {@code '\0'} when the server sent NIL (flat hierarchy)
 * @param attributes the attributes as sent ({@code "\\HasNoChildren"}, {@code "\\Sent"}) in the order
 *     sent, in an unmodifiable set that compares without ASCII case: {@code contains("\\NOSELECT")}
 *     and {@code contains("\\Noselect")} both find {@code \NoSelect}
 */
record ListEntry(String name, char delimiter, Set<String> attributes) {
  /** Copies the attributes into an unmodifiable case-insensitive set. */
  ListEntry {
    attributes = new Attributes(attributes);
  }

  /** Attributes in the order sent, looked up without ASCII case. */
  private static final class Attributes extends AbstractSet<String> {
    private final Map<String, String> byKey = new LinkedHashMap<>();

    Attributes(Set<String> attributes) {
      for (String a : attributes) {
        byKey.putIfAbsent(a.toUpperCase(Locale.ROOT), a);
      }
    }

    @Override
    public boolean contains(@Nullable Object o) {
      return o instanceof String s && byKey.containsKey(s.toUpperCase(Locale.ROOT));
    }

    @Override
    public Iterator<String> iterator() {
      Iterator<String> it = byKey.values().iterator();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public String next() {
          return it.next();
        }
      };
    }

    @Override
    public int size() {
      return byKey.size();
    }
  }
}
