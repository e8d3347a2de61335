package dev.satchel.mail.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * IMAP: counts tagged commands (literals are content, not commands) and hides capabilities in
 * {@code * CAPABILITY} lines and {@code [CAPABILITY ...]} response codes. Server literals are passed
 * through untouched, so message content that happens to look like a capability line is never changed.
 */
final class ImapDialect extends ProtocolDialect {
  private static final Set<String> VERBS = Set.of(
      "CAPABILITY", "NOOP", "LOGOUT", "STARTTLS", "AUTHENTICATE", "LOGIN", "SELECT", "EXAMINE", "CREATE",
      "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB", "STATUS", "APPEND", "CHECK", "CLOSE",
      "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY", "MOVE", "UID", "IDLE", "DONE", "ENABLE", "ID", "NAMESPACE",
      "UNSELECT", "GETQUOTA", "GETQUOTAROOT", "SETQUOTA", "SORT", "THREAD", "COMPRESS", "XLIST", "GETACL", "SETACL");
  private static final Pattern LITERAL = Pattern.compile("~?\\{(\\d{1,18})[+-]?\\}\\r?\\n$");
  private static final Pattern CAPABILITY_LINE = Pattern.compile("^(\\* CAPABILITY)( .*)?$", Pattern.CASE_INSENSITIVE);
  private static final Pattern CAPABILITY_CODE =
      Pattern.compile("^(\\S+ (?:OK|NO|BAD|PREAUTH|BYE) \\[CAPABILITY)([^\\]]*)(\\].*)$", Pattern.CASE_INSENSITIVE);

  private boolean clientInCommand;
  private @Nullable String clientVerb;
  private volatile @Nullable String switchTag;
  private boolean serverInResponse;

  ImapDialect(Set<String> hidden, CommandListener listener) {
    super(hidden, listener);
  }

  @Override
  void clientLine(byte[] line, boolean startsLine, boolean endsLine, LineFramer framer) {
    if (!clientInCommand) {
      clientInCommand = true;
      clientVerb = verb(text(line));
    }
    if (!endsLine) {
      return;
    }
    long literal = literal(line);
    if (literal >= 0) {
      framer.expectRaw(literal);
      return;
    }
    clientInCommand = false;
    listener.command(clientVerb);
    clientVerb = null;
  }

  @Override
  void serverLine(byte[] line, boolean startsLine, boolean endsLine, LineFramer framer, @Nullable Sink out)
      throws IOException {
    boolean responseStart = !serverInResponse && startsLine;
    serverInResponse = true;
    byte[] result = line;
    if (responseStart && endsLine) {
      String text = text(line);
      String tag = switchTag;
      if (tag != null && text.regionMatches(true, 0, tag + " OK", 0, tag.length() + 3)) {
        emit(out, line);
        goOpaque(framer);
        return;
      }
      if (!hidden.isEmpty()) {
        result = rewrite(text, line);
      }
    }
    if (endsLine) {
      long literal = literal(line);
      if (literal >= 0) {
        framer.expectRaw(literal);
      } else {
        serverInResponse = false;
      }
    }
    emit(out, result);
  }

  private byte[] rewrite(String text, byte[] original) {
    Matcher m = CAPABILITY_LINE.matcher(text);
    if (m.matches()) {
      String rest = m.group(2);
      return bytes(m.group(1) + filter(rest == null ? "" : rest) + terminator(original));
    }
    m = CAPABILITY_CODE.matcher(text);
    if (m.matches()) {
      return bytes(m.group(1) + filter(m.group(2)) + m.group(3) + terminator(original));
    }
    return original;
  }

  /** " A B C" without the hidden tokens, keeping a leading space per token. */
  private String filter(String tokens) {
    List<String> kept = new ArrayList<>();
    for (String t : tokens.strip().split(" +")) {
      if (!t.isEmpty() && !isHidden(t)) {
        kept.add(t);
      }
    }
    return kept.isEmpty() ? "" : " " + String.join(" ", kept);
  }

  private @Nullable String verb(String text) {
    String[] words = text.strip().split(" +");
    if (words.length == 1) {
      String w = words[0].toUpperCase(Locale.ROOT);
      return w.equals("DONE") ? w : null;
    }
    String cmd = words[1].toUpperCase(Locale.ROOT);
    if (!VERBS.contains(cmd)) {
      return null;
    }
    if (cmd.equals("STARTTLS") || cmd.equals("COMPRESS")) {
      switchTag = words[0];
    }
    if (cmd.equals("UID") && words.length > 2) {
      String sub = words[2].toUpperCase(Locale.ROOT);
      return VERBS.contains(sub) ? "UID " + sub : null;
    }
    return cmd;
  }

  /** The length of the literal announced at the end of {@code line}, or -1. */
  private static long literal(byte[] line) {
    int from = Math.max(0, line.length - 24);
    String tail = new String(line, from, line.length - from, java.nio.charset.StandardCharsets.ISO_8859_1);
    Matcher m = LITERAL.matcher(tail);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }
}
