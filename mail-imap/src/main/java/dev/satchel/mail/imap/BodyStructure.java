package dev.satchel.mail.imap;

import dev.satchel.mail.imap.engine.ImapValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A message's MIME structure as the server describes it in its BODYSTRUCTURE item (RFC 3501
 * sections 7.4.2 and 9, RFC 9051): a tree of {@link Part}s, each with its section number. Read
 * leniently: upper or lower case, NIL in any field, missing extension data; what is malformed is
 * described in {@link #problems()}, never thrown. Nesting is bounded ({@value #MAX_DEPTH} levels).
 *
 * <p>Section numbers follow RFC 3501 section 6.4.5: a single-part message has part {@code "1"}; a
 * multipart's children are numbered from 1 below the multipart's own number ({@code ""} for the
 * message itself, so its children are {@code "1"}, {@code "2"}, ...); the body of a
 * {@code message/rfc822} part {@code "2"} is {@code "2.1"} when it is a single part, and its
 * children are {@code "2.1"}, {@code "2.2"}, ... when it is a multipart (which then shares the
 * number {@code "2"}).
 *
 * @param root the message's body, or null when the value describes no body at all
 * @param problems what could not be read, in words, naming the section
 * @param complete true when every part's type and basic fields could be read, so that the tree can be
 *     trusted to fetch sections by; false when a part had to be skipped
 */
record BodyStructure(@Nullable Part root, List<String> problems, boolean complete) {
  /** The deepest nesting of bodies read; deeper parts are left out with a problem. */
  static final int MAX_DEPTH = 64;

  /** Copies the list. */
  BodyStructure {
    problems = List.copyOf(problems);
  }

  /** A {@code name value} pair of a parameter list, as the server sent it. */
  record Param(String name, String value) {}

  /**
   * One body part.
   *
   * @param type the media type, lower case ({@code "multipart"} for a multipart)
   * @param subtype the media subtype, lower case
   * @param params the Content-Type parameters in the server's order (RFC 2231 forms as sent)
   * @param id the Content-ID, or null
   * @param description the Content-Description, or null
   * @param encoding the Content-Transfer-Encoding as sent, or null
   * @param size the size of the encoded body in octets, or -1 when unknown
   * @param lines the body's size in lines for text and message parts, or -1
   * @param md5 the Content-MD5, or null
   * @param disposition the Content-Disposition type, lower case, or null
   * @param dispositionParams the Content-Disposition parameters
   * @param language the Content-Language tags
   * @param location the Content-Location, or null
   * @param section the IMAP section number of this part (see the class comment)
   * @param parts the children of a multipart, else empty
   * @param envelope the ENVELOPE (a list) of a {@code message/rfc822} part, else null
   * @param message the body of a {@code message/rfc822} part, else null
   */
  record Part(String type, String subtype, List<Param> params, @Nullable String id, @Nullable String description,
      @Nullable String encoding, long size, long lines, @Nullable String md5, @Nullable String disposition,
      List<Param> dispositionParams, List<String> language, @Nullable String location, String section, List<Part> parts,
      @Nullable ImapValue envelope, @Nullable Part message) {

    /** Copies the lists. */
    Part {
      params = List.copyOf(params);
      dispositionParams = List.copyOf(dispositionParams);
      language = List.copyOf(language);
      parts = List.copyOf(parts);
    }

    /** True for a {@code multipart/*} part. */
    boolean isMultipart() {
      return type.equals("multipart");
    }

    /** {@code type/subtype}, lower case. */
    String mediaType() {
      return type + "/" + subtype;
    }

    /** The first Content-Type parameter named {@code name} (any case), or null. */
    @Nullable String param(String name) {
      for (Param p : params) {
        if (p.name().equalsIgnoreCase(name)) {
          return p.value();
        }
      }
      return null;
    }
  }

  /** Reads a BODYSTRUCTURE value; never throws. */
  static BodyStructure parse(ImapValue value) {
    Reader r = new Reader();
    Part root = r.body(value, "", true, 1);
    return new BodyStructure(root, r.problems, root != null && r.complete);
  }

  /** One parse: the problems found and whether every part could be read. */
  private static final class Reader {
    final List<String> problems = new ArrayList<>();
    boolean complete = true;

    private @Nullable Part skip(String section, String why) {
      problems.add("BODYSTRUCTURE part " + (section.isEmpty() ? "(the message)" : section) + ": " + why);
      complete = false;
      return null;
    }

    /**
     * A body. {@code messageBody} is true for the body of a message (the root, or inside a
     * message/rfc822 part), whose single-part number is {@code prefix.1}; false for a child of a
     * multipart, whose number is {@code prefix} itself.
     */
    @Nullable Part body(ImapValue value, String prefix, boolean messageBody, int depth) {
      if (depth > MAX_DEPTH) {
        return skip(prefix, "nested deeper than " + MAX_DEPTH + " levels; left out");
      }
      if (!(value instanceof ImapValue.ListValue list) || list.items().isEmpty()) {
        return skip(prefix, "not a body but " + describe(value));
      }
      if (list.items().get(0) instanceof ImapValue.ListValue) {
        return multipart(list.items(), prefix, depth);
      }
      String section = messageBody ? (prefix.isEmpty() ? "1" : prefix + ".1") : prefix;
      return single(list.items(), section, depth);
    }

    private Part multipart(List<ImapValue> items, String section, int depth) {
      List<Part> children = new ArrayList<>();
      int i = 0;
      while (i < items.size() && items.get(i) instanceof ImapValue.ListValue) {
        String child = section.isEmpty() ? Integer.toString(i + 1) : section + "." + (i + 1);
        Part p = body(items.get(i), child, false, depth + 1);
        if (p != null) {
          children.add(p);
        }
        i++;
      }
      String subtype = i < items.size() ? lower(items.get(i)) : null;
      if (subtype == null) {
        problems.add("BODYSTRUCTURE part " + (section.isEmpty() ? "(the message)" : section)
            + ": multipart without a subtype; read as multipart/mixed");
        subtype = "mixed";
      }
      Ext ext = new Ext(items, i + 1, section);
      List<Param> params = ext.params();
      Disposition d = ext.disposition();
      return new Part("multipart", subtype, params, null, null, null, -1, -1, null, d.type(), d.params(), ext.language(),
          ext.location(), section, children, null, null);
    }

    private @Nullable Part single(List<ImapValue> items, String section, int depth) {
      if (items.size() < 7) {
        return skip(section, "a body of " + items.size() + " fields instead of at least 7");
      }
      String type = lower(items.get(0));
      String subtype = lower(items.get(1));
      if (type == null || subtype == null) {
        problems.add("BODYSTRUCTURE part " + section + ": no media type; read as application/octet-stream");
        type = "application";
        subtype = "octet-stream";
      }
      List<Param> params = params(items.get(2), section, "parameters");
      String id = EngineFetch.text(items.get(3));
      String description = EngineFetch.text(items.get(4));
      String encoding = EngineFetch.text(items.get(5));
      long size = number(items.get(6), section, "size");
      long lines = -1;
      int next = 7;
      ImapValue envelope = null;
      Part message = null;
      if (type.equals("message") && (subtype.equals("rfc822") || subtype.equals("global")) && items.size() >= 10
          && items.get(7) instanceof ImapValue.ListValue env && items.get(8) instanceof ImapValue.ListValue) {
        envelope = env;
        message = body(items.get(8), section, true, depth + 1);
        lines = number(items.get(9), section, "line count");
        next = 10;
      } else if (type.equals("text")) {
        if (items.size() > 7 && items.get(7) instanceof ImapValue.Atom a && a.number() >= 0) {
          lines = a.number();
          next = 8;
        } else {
          problems.add("BODYSTRUCTURE part " + section + ": text part without a line count");
        }
      }
      Ext ext = new Ext(items, next, section);
      String md5 = ext.md5();
      Disposition d = ext.disposition();
      return new Part(type, subtype, params, id, description, encoding, size, lines, md5, d.type(), d.params(),
          ext.language(), ext.location(), section, List.of(), envelope, message);
    }

    /** A disposition: its type (lower case) or null, and its parameters. */
    private record Disposition(@Nullable String type, List<Param> params) {}

    /**
     * The extension data from {@code from} on: for a multipart params, disposition, language,
     * location; for a single part md5, disposition, language, location. Absent fields are null or
     * empty.
     */
    private final class Ext {
      final List<ImapValue> items;
      final int from;
      final String section;

      Ext(List<ImapValue> items, int from, String section) {
        this.items = items;
        this.from = from;
        this.section = section;
      }

      private @Nullable ImapValue at(int k) {
        return from + k < items.size() ? items.get(from + k) : null;
      }

      List<Param> params() {
        ImapValue v = at(0);
        return v == null ? List.of() : Reader.this.params(v, section, "parameters");
      }

      @Nullable String md5() {
        ImapValue v = at(0);
        return v == null ? null : EngineFetch.text(v);
      }

      Disposition disposition() {
        ImapValue v = at(1);
        if (v == null || v == ImapValue.Nil.NIL) {
          return new Disposition(null, List.of());
        }
        if (v instanceof ImapValue.ListValue l && !l.items().isEmpty()) {
          String type = lower(l.items().get(0));
          List<Param> ps = l.items().size() > 1 ? Reader.this.params(l.items().get(1), section, "disposition parameters")
              : List.of();
          return new Disposition(type, ps);
        }
        String bare = lower(v); // some servers send the type alone
        problems.add("BODYSTRUCTURE part " + section + ": disposition is " + describe(v) + " instead of a list");
        return new Disposition(bare, List.of());
      }

      List<String> language() {
        ImapValue v = at(2);
        if (v instanceof ImapValue.ListValue l) {
          List<String> out = new ArrayList<>();
          for (ImapValue x : l.items()) {
            String s = EngineFetch.text(x);
            if (s != null) {
              out.add(s);
            }
          }
          return out;
        }
        String s = v == null ? null : EngineFetch.text(v);
        return s == null ? List.of() : List.of(s);
      }

      @Nullable String location() {
        ImapValue v = at(3);
        return v == null ? null : EngineFetch.text(v);
      }
    }

    /** A parameter list: NIL or (name value ...). */
    List<Param> params(ImapValue v, String section, String what) {
      if (v == ImapValue.Nil.NIL) {
        return List.of();
      }
      if (!(v instanceof ImapValue.ListValue l)) {
        problems.add("BODYSTRUCTURE part " + section + ": " + what + " are " + describe(v) + " instead of a list");
        return List.of();
      }
      List<ImapValue> items = l.items();
      if (items.size() % 2 != 0) {
        problems.add("BODYSTRUCTURE part " + section + ": " + what + " have an odd number of items (" + items.size()
            + "); the last was left out");
      }
      List<Param> out = new ArrayList<>(items.size() / 2);
      for (int k = 0; k + 1 < items.size(); k += 2) {
        String name = EngineFetch.text(items.get(k));
        String value = EngineFetch.text(items.get(k + 1));
        if (name != null && value != null) {
          out.add(new Param(name, value));
        }
      }
      return out;
    }

    private long number(ImapValue v, String section, String what) {
      if (v instanceof ImapValue.Atom a && a.number() >= 0) {
        return a.number();
      }
      if (v != ImapValue.Nil.NIL) {
        problems.add("BODYSTRUCTURE part " + section + ": " + what + " is " + describe(v) + " instead of a number");
      }
      return -1;
    }
  }

  private static @Nullable String lower(ImapValue v) {
    String s = EngineFetch.text(v);
    return s == null || s.isBlank() ? null : s.strip().toLowerCase(Locale.ROOT);
  }

  /** A short description of a value for problems: its kind and, for atoms and strings, its text. */
  private static String describe(ImapValue v) {
    if (v instanceof ImapValue.Atom a) {
      return "the atom " + shorten(a.text());
    }
    if (v instanceof ImapValue.Str s) {
      return "the string \"" + shorten(s.text()) + "\"";
    }
    if (v instanceof ImapValue.ListValue l) {
      return "a list of " + l.items().size() + " items";
    }
    if (v instanceof ImapValue.Streamed s) {
      return "a streamed literal of " + s.size() + " bytes";
    }
    return "NIL";
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
