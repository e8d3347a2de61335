package dev.satchel.mail.testkit;

import dev.satchel.mail.EmailAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link TestMailServer}'s SMTP services answer {@code RCPT TO}: a list of rules, each for the
 * recipient addresses it matches, tried in order; the first rule that matches decides, and a
 * recipient no rule matches is accepted ({@code 250 OK}) and delivered as usual. Set it with
 * {@link TestMailServer#recipientPolicy(RecipientPolicy)}.
 *
 * <pre>{@code
 * server.recipientPolicy(RecipientPolicy.builder()
 *     .reject("blocked@example.test")                       // 550 5.1.1 <blocked@example.test>: no such user
 *     .reject("*@spam.example.test", 554, "5.7.1 relay denied")
 *     .greylist("*@slow.example.test")                      // 451 4.7.1 ...: greylisted, try again later
 *     .mailboxFull("full@example.test")                     // 452 4.2.2 ...: mailbox full
 *     .build());
 * // send to blocked@, slow@ and ok@: only ok@example.test receives the message
 * }</pre>
 *
 * <p><b>Addresses.</b> Rules take an address ({@code "bob@example.test"}), a glob where {@code *}
 * stands for any characters and {@code ?} for one ({@code "*@example.test"}, {@code "bob+*@*"},
 * {@code "*"}), or a {@link Pattern} that must match the whole address. Addresses and globs match
 * ignoring case; a {@code Pattern} matches as it was compiled. They are matched against the address
 * in the client's {@code RCPT TO:<...>} command.
 *
 * <p><b>Replies.</b> A refusal is one reply line: the code, a space and the text. The text may start
 * with an enhanced status code (RFC 3463), whose first digit must then be the reply code's first
 * digit ({@code 550 5.1.1 ...}, {@code 451 4.7.1 ...}). The message is stored only for the accepted
 * recipients; when every recipient was refused, GreenMail answers {@code DATA} with {@code 503}.
 *
 * <p>Immutable and thread-safe.
 */
public final class RecipientPolicy {
  private static final RecipientPolicy ACCEPT_ALL = new RecipientPolicy(List.of());
  private static final Pattern ENHANCED_STATUS = Pattern.compile("([245])\\.\\d{1,3}\\.\\d{1,3}(?: .*)?");
  private static final int MAX_TEXT = 400;

  private final List<Rule> rules;

  private RecipientPolicy(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** The policy that accepts every recipient: GreenMail's own behaviour, and the default. */
  public static RecipientPolicy acceptAll() {
    return ACCEPT_ALL;
  }

  /** A builder with no rules yet. */
  public static Builder builder() {
    return new Builder(List.of());
  }

  /** A builder that starts with this policy's rules, for adding more after them. */
  public Builder toBuilder() {
    return new Builder(rules);
  }

  /**
   * The reply line the server gives to {@code RCPT TO:<address>}, for example
   * {@code "550 5.1.1 <blocked@example.test>: no such user"}; empty when the recipient is accepted.
   */
  public Optional<String> replyTo(String address) {
    Objects.requireNonNull(address, "address");
    for (Rule rule : rules) {
      if (rule.matches(address)) {
        return Optional.ofNullable(rule.reply(address));
      }
    }
    return Optional.empty();
  }

  /**
   * The rules in order, for example
   * {@code RecipientPolicy[550 blocked@example.test, 451 *@slow.example.test, otherwise 250]}.
   */
  @Override
  public String toString() {
    return rules.stream().map(Rule::toString).collect(Collectors.joining(", ", "RecipientPolicy[",
        rules.isEmpty() ? "accept all]" : ", otherwise 250]"));
  }

  /** Collects the rules of a {@link RecipientPolicy}, in the order they are tried. Not thread-safe. */
  public static final class Builder {
    private final List<Rule> rules;

    private Builder(List<Rule> rules) {
      this.rules = new ArrayList<>(rules);
    }

    /**
     * Accepts the matching recipients ({@code 250 OK}), so that later rules do not apply to them:
     * {@code .accept("postmaster@*").reject("*@example.test")}.
     *
     * @param addresses an address or a glob (see the class documentation)
     * @throws IllegalArgumentException when {@code addresses} is blank, holds white space, or has no
     *     wildcard and is not a valid address
     */
    public Builder accept(String addresses) {
      rules.add(new Rule(glob(addresses), 250, null));
      return this;
    }

    /**
     * Refuses the matching recipients permanently as unknown users:
     * {@code 550 5.1.1 <address>: no such user}.
     *
     * @param addresses an address or a glob (see the class documentation)
     * @throws IllegalArgumentException when {@code addresses} is not valid (see {@link #accept})
     */
    public Builder reject(String addresses) {
      rules.add(new Rule(glob(addresses), 550, "5.1.1 <%s>: no such user"));
      return this;
    }

    /**
     * Refuses the matching recipients permanently with {@code code} and {@code text}:
     * {@code reject("*@spam.example.test", 554, "5.7.1 relay denied")}.
     *
     * @param addresses an address or a glob (see the class documentation)
     * @param code a permanent failure code, 500 to 599
     * @param text the reply text, printable ASCII, at most 400 characters; may start with an enhanced
     *     status code whose first digit is 5
     * @throws IllegalArgumentException when an argument is not valid
     */
    public Builder reject(String addresses, int code, String text) {
      rules.add(new Rule(glob(addresses), checkCode(code, 5), literal(text, code)));
      return this;
    }

    /**
     * Refuses the recipients whose whole address {@code addresses} matches permanently with
     * {@code code} and {@code text}.
     *
     * @throws IllegalArgumentException when {@code code} is not 500 to 599 or {@code text} is not valid
     *     (see {@link #reject(String, int, String)})
     */
    public Builder reject(Pattern addresses, int code, String text) {
      rules.add(new Rule(new Addresses(addresses.pattern(), addresses), checkCode(code, 5), literal(text, code)));
      return this;
    }

    /**
     * Refuses the matching recipients for now, as a greylisting server does:
     * {@code 451 4.7.1 <address>: greylisted, try again later}.
     *
     * @param addresses an address or a glob (see the class documentation)
     * @throws IllegalArgumentException when {@code addresses} is not valid (see {@link #accept})
     */
    public Builder greylist(String addresses) {
      rules.add(new Rule(glob(addresses), 451, "4.7.1 <%s>: greylisted, try again later"));
      return this;
    }

    /**
     * Refuses the matching recipients for now because their mailbox is full:
     * {@code 452 4.2.2 <address>: mailbox full}.
     *
     * @param addresses an address or a glob (see the class documentation)
     * @throws IllegalArgumentException when {@code addresses} is not valid (see {@link #accept})
     */
    public Builder mailboxFull(String addresses) {
      rules.add(new Rule(glob(addresses), 452, "4.2.2 <%s>: mailbox full"));
      return this;
    }

    /**
     * Refuses the matching recipients for now with {@code code} and {@code text}:
     * {@code defer("*@slow.example.test", 450, "4.2.0 try later")}.
     *
     * @param addresses an address or a glob (see the class documentation)
     * @param code a transient failure code, 400 to 499
     * @param text the reply text, printable ASCII, at most 400 characters; may start with an enhanced
     *     status code whose first digit is 4
     * @throws IllegalArgumentException when an argument is not valid
     */
    public Builder defer(String addresses, int code, String text) {
      rules.add(new Rule(glob(addresses), checkCode(code, 4), literal(text, code)));
      return this;
    }

    /**
     * Refuses the recipients whose whole address {@code addresses} matches for now with
     * {@code code} and {@code text}.
     *
     * @throws IllegalArgumentException when {@code code} is not 400 to 499 or {@code text} is not valid
     *     (see {@link #defer(String, int, String)})
     */
    public Builder defer(Pattern addresses, int code, String text) {
      rules.add(new Rule(new Addresses(addresses.pattern(), addresses), checkCode(code, 4), literal(text, code)));
      return this;
    }

    /** The policy with the rules added so far, in order. */
    public RecipientPolicy build() {
      return new RecipientPolicy(rules);
    }

    private static Addresses glob(String glob) {
      Objects.requireNonNull(glob, "addresses");
      if (glob.isBlank() || glob.chars().anyMatch(c -> Character.isWhitespace(c) || c < 0x20 || c == '<' || c == '>')) {
        throw new IllegalArgumentException("addresses must be an address or a glob such as \"*@example.test\", without "
            + "white space or angle brackets, was \"" + printable(glob) + "\"");
      }
      if (glob.indexOf('*') < 0 && glob.indexOf('?') < 0) {
        EmailAddress.parse(glob); // says precisely what is wrong with a mistyped address
      }
      StringBuilder regex = new StringBuilder();
      StringBuilder literal = new StringBuilder();
      for (char c : glob.toCharArray()) {
        if (c == '*' || c == '?') {
          regex.append(Pattern.quote(literal.toString())).append(c == '*' ? ".*" : ".");
          literal.setLength(0);
        } else {
          literal.append(c);
        }
      }
      regex.append(Pattern.quote(literal.toString()));
      return new Addresses(glob, Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
    }

    private static int checkCode(int code, int firstDigit) {
      if (code / 100 != firstDigit) {
        throw new IllegalArgumentException("code must be " + firstDigit + "00 to " + firstDigit + "99, was " + code);
      }
      return code;
    }

    /** The text as a format with no argument (a {@code %} is written as {@code %%}). */
    private static String literal(String text, int code) {
      Objects.requireNonNull(text, "text");
      if (text.length() > MAX_TEXT || text.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
        throw new IllegalArgumentException("text must be printable ASCII of at most " + MAX_TEXT
            + " characters, was \"" + printable(text) + "\"");
      }
      Matcher enhanced = ENHANCED_STATUS.matcher(text);
      if (enhanced.matches() && enhanced.group(1).charAt(0) - '0' != code / 100) {
        throw new IllegalArgumentException("the enhanced status code in \"" + text + "\" must start with "
            + code / 100 + " to match the reply code " + code);
      }
      return text.replace("%", "%%");
    }

    private static String printable(String s) {
      StringBuilder sb = new StringBuilder();
      s.codePoints().limit(80).forEach(c -> sb.append(c < 0x20 || c == 0x7f ? String.format(Locale.ROOT, "\\u%04x", c)
          : new String(Character.toChars(c))));
      return s.codePointCount(0, s.length()) > 80 ? sb + "..." : sb.toString();
    }
  }

  /** The addresses a rule applies to, as written and as a pattern over the whole address. */
  private record Addresses(String written, Pattern pattern) {}

  /** One rule: matching addresses, and the reply (a format taking the address) or null to accept. */
  private record Rule(Addresses addresses, int code, @Nullable String format) {
    boolean matches(String address) {
      return addresses.pattern().matcher(address).matches();
    }

    @Nullable String reply(String address) {
      if (format == null) {
        return null;
      }
      String text = String.format(Locale.ROOT, format, address);
      return text.isEmpty() ? Integer.toString(code) : code + " " + text;
    }

    @Override
    public String toString() {
      return code + " " + addresses.written();
    }
  }
}
