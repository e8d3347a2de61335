package dev.satchel.mail.imap;

import dev.satchel.mail.testkit.LoopbackServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback IMAP server with a few simple messages in INBOX (UIDs 1..n, sequence numbers alike)
 * that answers SELECT, STATUS, NOOP, UID SEARCH, FETCH and UID FETCH of the usual items the way a
 * healthy server does, except where a test asks for trouble: FETCH answers for chosen UIDs that Angus
 * cannot parse (an unknown item in front), either only when ENVELOPE is asked for or always, and
 * unsolicited FETCH lines sent before every FETCH answer. Records the commands it got.
 */
final class FetchScriptedImapServer implements AutoCloseable {
  private final LoopbackServer server;
  private final List<String> bodies = new ArrayList<>();
  private final Set<Long> badEnvelope = ConcurrentHashMap.newKeySet();
  private final Set<Long> badAlways = ConcurrentHashMap.newKeySet();
  private volatile String unsolicited = "";
  final List<String> commands = java.util.Collections.synchronizedList(new ArrayList<>());

  /** A server holding {@code count} messages, the k-th with subject "message k". */
  FetchScriptedImapServer(int count) throws IOException {
    for (int k = 1; k <= count; k++) {
      bodies.add("From: a@example.test\r\nTo: b@example.test\r\nSubject: message " + k + "\r\nMessage-ID: <m" + k
          + "@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\nbody "
          + k + "\r\n");
    }
    this.server = LoopbackServer.start("fetch-scripted-imap", this::serve);
  }

  /** Replaces message {@code uid} (1-based) with {@code rfc822}, CRLF line ends. */
  FetchScriptedImapServer message(long uid, String rfc822) {
    bodies.set((int) uid - 1, rfc822);
    return this;
  }

  /** Answers for {@code uid} that Angus cannot parse whenever ENVELOPE is asked for. */
  FetchScriptedImapServer badEnvelope(long uid) {
    badEnvelope.add(uid);
    return this;
  }

  /** Answers for {@code uid} that Angus cannot parse, whatever is asked for (except UID alone). */
  FetchScriptedImapServer badAlways(long uid) {
    badAlways.add(uid);
    return this;
  }

  /** Untagged lines (CRLF-terminated) sent before every FETCH answer. */
  FetchScriptedImapServer unsolicited(String lines) {
    unsolicited = lines;
    return this;
  }

  int port() {
    return server.port();
  }

  private void serve(Socket s) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    OutputStream out = s.getOutputStream();
    String caps = "IMAP4rev1 UIDPLUS";
    ScriptedImapServer.write(out, "* OK [CAPABILITY " + caps + "] fetch-scripted IMAP ready\r\n");
    int n = bodies.size();
    String line;
    while ((line = in.readLine()) != null) {
      commands.add(line);
      String[] words = line.split(" ", 3);
      String tag = words[0];
      String verb = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
      String rest = words.length > 2 ? words[2] : "";
      boolean uidCommand = verb.equals("UID");
      if (uidCommand) {
        String[] more = rest.split(" ", 2);
        verb = more[0].toUpperCase(Locale.ROOT);
        rest = more.length > 1 ? more[1] : "";
      }
      String ok = tag + " OK done\r\n";
      String answer = switch (verb) {
        case "CAPABILITY" -> "* CAPABILITY " + caps + "\r\n" + ok;
        case "LOGIN" -> tag + " OK [CAPABILITY " + caps + "] logged in\r\n";
        case "SELECT", "EXAMINE" -> "* FLAGS (\\Seen \\Deleted \\Flagged)\r\n* OK [PERMANENTFLAGS (\\Seen \\Deleted \\Flagged \\*)] ok\r\n"
            + "* " + n + " EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT " + (n + 1) + "] ok\r\n"
            + tag + " OK [READ-WRITE] done\r\n";
        case "STATUS" -> "* STATUS INBOX (MESSAGES " + n + " UNSEEN " + n + " UIDVALIDITY 7 UIDNEXT " + (n + 1) + ")\r\n" + ok;
        case "SEARCH" -> "* SEARCH" + join(set(rest.replaceFirst("(?i)^UID ", "").replaceFirst("(?i)^ALL$", "1:*"), n)) + "\r\n" + ok;
        case "FETCH" -> unsolicited + fetch(rest, n) + ok;
        case "LOGOUT" -> "* BYE bye\r\n" + ok;
        default -> ok;
      };
      ScriptedImapServer.write(out, answer);
      if (verb.equals("LOGOUT")) {
        return;
      }
    }
  }

  private String fetch(String rest, int n) {
    int space = rest.indexOf(' ');
    String set = rest.substring(0, space);
    String items = rest.substring(space + 1).toUpperCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder();
    for (long uid : set(set, n)) {
      String body = bodies.get((int) uid - 1);
      boolean onlyUid = items.equals("(UID)");
      boolean bad = !onlyUid && (badAlways.contains(uid) || (badEnvelope.contains(uid) && items.contains("ENVELOPE")));
      StringBuilder f = new StringBuilder("* " + uid + " FETCH (" + (bad ? "XBROKEN " : "") + "UID " + uid);
      if (items.contains("FLAGS")) {
        f.append(" FLAGS ()");
      }
      if (items.contains("RFC822.SIZE")) {
        f.append(" RFC822.SIZE ").append(body.length());
      }
      if (items.contains("INTERNALDATE")) {
        f.append(" INTERNALDATE \"01-Jan-2024 09:00:00 +0000\"");
      }
      if (items.contains("ENVELOPE")) {
        f.append(" ENVELOPE (\"Mon, 1 Jan 2024 09:00:00 +0000\" \"message ").append(uid)
            .append("\" ((NIL NIL \"a\" \"example.test\")) NIL NIL ((NIL NIL \"b\" \"example.test\")) NIL NIL NIL \"<m")
            .append(uid).append("@example.test>\")");
      }
      String cte = header(body, "Content-Transfer-Encoding");
      if (items.contains("BODYSTRUCTURE")) {
        String text = body.substring(body.indexOf("\r\n\r\n") + 4);
        f.append(" BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"").append(cte == null ? "7bit" : cte)
            .append("\" ").append(text.length()).append(' ').append(text.split("\r\n", -1).length - 1).append(" NIL NIL NIL NIL)");
      }
      if (items.contains("BODY.PEEK[HEADER]")) {
        literal(f, "BODY[HEADER]", body.substring(0, body.indexOf("\r\n\r\n") + 4));
      }
      if (items.contains("BODY.PEEK[1]") || items.contains("BODY.PEEK[TEXT]")) {
        literal(f, items.contains("BODY.PEEK[1]") ? "BODY[1]" : "BODY[TEXT]", body.substring(body.indexOf("\r\n\r\n") + 4));
      }
      if (items.contains("BODY.PEEK[]")) {
        literal(f, "BODY[]", body);
      }
      sb.append(f).append(")\r\n");
    }
    return sb.toString();
  }

  private static @org.jspecify.annotations.Nullable String header(String body, String name) {
    for (String l : body.substring(0, body.indexOf("\r\n\r\n")).split("\r\n")) {
      if (l.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
        return l.substring(name.length() + 1).strip();
      }
    }
    return null;
  }

  private static void literal(StringBuilder f, String item, String text) {
    f.append(' ').append(item).append(" {").append(text.getBytes(StandardCharsets.ISO_8859_1).length).append("}\r\n").append(text);
  }

  /** The UIDs of an IMAP set (n, a:b, *) that exist among 1..n. */
  private static Set<Long> set(String text, int n) {
    Set<Long> out = new TreeSet<>();
    for (String part : text.trim().split(",")) {
      String[] ends = part.split(":");
      long a = ends[0].equals("*") ? n : Long.parseLong(ends[0]);
      long b = ends.length == 1 ? a : ends[1].equals("*") ? n : Long.parseLong(ends[1]);
      for (long u = Math.min(a, b); u <= Math.max(a, b) && u <= n; u++) {
        if (u >= 1) {
          out.add(u);
        }
      }
    }
    return out;
  }

  private static String join(Set<Long> uids) {
    StringBuilder sb = new StringBuilder();
    uids.forEach(u -> sb.append(' ').append(u));
    return sb.toString();
  }

  @Override
  public void close() {
    server.close();
  }
}
