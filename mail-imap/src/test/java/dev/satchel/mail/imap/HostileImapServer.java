package dev.satchel.mail.imap;

import dev.satchel.mail.testkit.LoopbackServer;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback IMAP server with a few messages in every folder (UID = sequence number, each a small
 * text message, see {@link #message}) that answers like a healthy server until the first command its
 * {@link Setup} picks — by default the first with a chosen verb ("SELECT", "NOOP", "FETCH" — also UID
 * FETCH — or "SEARCH") — which it answers with an {@link Attack} streamed to the socket; then it
 * closes the connection, or goes on answering healthily when the setup says so (to show that the
 * client, not the server, ended the session). Attacks write as they go, so that a hundred megabytes
 * never sit in the test's memory.
 */
final class HostileImapServer implements AutoCloseable {
  /** What the server offers unless a setup says otherwise. */
  static final String CAPABILITIES = "IMAP4rev1 UIDPLUS";

  /** Writes a hostile answer to the command tagged {@code tag}. */
  @FunctionalInterface
  interface Attack {
    void send(OutputStream out, String tag) throws IOException;
  }

  /**
   * Which command is attacked, and how the server behaves otherwise.
   *
   * @param capabilities announced after login (ENABLE is answered for those of them asked for)
   * @param messages messages in every folder, UIDs 1..messages
   * @param when picks the attacked command by its line after the tag, for example
   *     {@code UID FETCH 1 (UID BODY.PEEK[]<0.4096>)}
   * @param keepServing true to go on answering healthily after the attack instead of closing
   */
  record Setup(String capabilities, int messages, Predicate<String> when, boolean keepServing) {
    /** Attacks the first command with {@code verb} (after a UID prefix), one message, then closes. */
    static Setup at(String verb) {
      return new Setup(CAPABILITIES, 1, line -> verb(line).equals(verb), false);
    }

    /** Attacks the first command whose line after the tag {@code when} accepts. */
    static Setup when(Predicate<String> when) {
      return new Setup(CAPABILITIES, 1, when, false);
    }

    Setup capabilities(String announced) {
      return new Setup(announced, messages, when, keepServing);
    }

    Setup messages(int count) {
      return new Setup(capabilities, count, when, keepServing);
    }

    Setup thenServe() {
      return new Setup(capabilities, messages, when, true);
    }
  }

  private static final Pattern PARTIAL = Pattern.compile("BODY\\.PEEK\\[\\]<(\\d+)\\.(\\d+)>");
  private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\}$");

  private final LoopbackServer server;
  private final Setup setup;
  private final Attack attack;

  HostileImapServer(String step, Attack attack) throws IOException {
    this(Setup.at(step), attack);
  }

  HostileImapServer(Setup setup, Attack attack) throws IOException {
    this.setup = setup;
    this.attack = attack;
    this.server = LoopbackServer.start("hostile-imap", this::serve);
  }

  int port() {
    return server.port();
  }

  /** The command's verb, upper case, after a UID prefix: {@code UID FETCH 1 (FLAGS)} gives FETCH. */
  static String verb(String line) {
    String[] words = line.split(" ");
    String verb = words[0].toUpperCase(Locale.ROOT);
    return verb.equals("UID") && words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : verb;
  }

  /** The bytes of message {@code uid}. */
  static byte[] message(long uid) {
    return ("From: a@example.test\r\nSubject: message " + uid + "\r\nMessage-ID: <" + uid + "@example.test>\r\n\r\nHello "
        + uid + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A complete summary answer for message {@code n}: UID, FLAGS, RFC822.SIZE, INTERNALDATE and ENVELOPE. */
  static String summary(long n) {
    return "* " + n + " FETCH (UID " + n + " FLAGS () RFC822.SIZE " + message(n).length
        + " INTERNALDATE \"01-Jan-2024 09:00:00 +0000\" ENVELOPE (NIL \"message " + n
        + "\" NIL NIL NIL NIL NIL NIL NIL \"<" + n + "@example.test>\"))\r\n";
  }

  private void serve(Socket s) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
    String caps = setup.capabilities();
    write(out, "* OK [CAPABILITY " + caps + "] hostile IMAP ready\r\n");
    boolean attacked = false;
    String line;
    while ((line = in.readLine()) != null) {
      int sp = line.indexOf(' ');
      String tag = sp < 0 ? line : line.substring(0, sp);
      String command = sp < 0 ? "" : line.substring(sp + 1);
      String verb = verb(command);
      if (!attacked && setup.when().test(command)) {
        attacked = true;
        attack.send(out, tag);
        out.flush();
        if (!setup.keepServing()) {
          return;
        }
        continue;
      }
      int count = setup.messages();
      String answer = switch (verb) {
        case "CAPABILITY" -> "* CAPABILITY " + caps + "\r\n" + tag + " OK done\r\n";
        case "LOGIN" -> tag + " OK [CAPABILITY " + caps + "] logged in\r\n";
        case "ENABLE" -> "* ENABLED" + enabled(command, caps) + "\r\n" + tag + " OK done\r\n";
        case "SELECT", "EXAMINE" -> selectAnswer(tag, count, count + 1L);
        case "SEARCH" -> searchAnswer(command, count) + tag + " OK done\r\n";
        case "FETCH" -> fetchAnswer(command, count) + tag + " OK done\r\n";
        case "STATUS" -> "* STATUS " + command.split(" ")[1] + " (MESSAGES " + count + " UNSEEN 0 UIDVALIDITY 7 UIDNEXT "
            + (count + 1) + ")\r\n" + tag + " OK done\r\n";
        case "LIST" -> "* LIST (\\HasNoChildren) \"/\" INBOX\r\n" + tag + " OK done\r\n";
        case "APPEND" -> appendAnswer(in, out, command, tag);
        case "LOGOUT" -> "* BYE bye\r\n" + tag + " OK done\r\n";
        default -> tag + " OK done\r\n";
      };
      write(out, answer);
      if (verb.equals("LOGOUT")) {
        return;
      }
    }
  }

  private static String enabled(String command, String caps) {
    StringBuilder sb = new StringBuilder();
    List<String> offered = List.of(caps.toUpperCase(Locale.ROOT).split(" "));
    for (String w : command.split(" ")) {
      if (!w.equalsIgnoreCase("ENABLE") && offered.contains(w.toUpperCase(Locale.ROOT))) {
        sb.append(' ').append(w);
      }
    }
    return sb.toString();
  }

  /** Takes an APPEND's literal (asking for it with a continuation); its completion. */
  private static String appendAnswer(BufferedReader in, OutputStream out, String command, String tag) throws IOException {
    Matcher m = LITERAL.matcher(command);
    if (m.find()) {
      write(out, "+ go ahead\r\n");
      long left = Long.parseLong(m.group(1));
      while (left > 0) {
        long skipped = in.skip(left);
        if (skipped <= 0) {
          throw new IOException("the client ended inside its literal");
        }
        left -= skipped;
      }
      in.readLine(); // the CRLF that ends the command
    }
    return tag + " OK [APPENDUID 7 99] done\r\n";
  }

  private static String searchAnswer(String command, int count) {
    String[] words = command.split(" ");
    List<Long> set = null;
    for (int i = 0; i + 1 < words.length; i++) {
      if (i > 1 && words[i].equalsIgnoreCase("UID")) {
        set = numbers(words[i + 1], count);
      }
    }
    StringBuilder sb = new StringBuilder("* SEARCH");
    for (long n = 1; n <= count; n++) {
      if (set == null || set.contains(n)) {
        sb.append(' ').append(n);
      }
    }
    return sb.append("\r\n").toString();
  }

  private static String fetchAnswer(String command, int count) {
    String[] words = command.split(" ");
    String set = words[0].equalsIgnoreCase("UID") ? words[2] : words[1];
    Matcher partial = PARTIAL.matcher(command);
    StringBuilder sb = new StringBuilder();
    for (long n : numbers(set, count)) {
      if (partial.find(0)) {
        byte[] all = message(n);
        int from = (int) Math.min(all.length, Long.parseLong(partial.group(1)));
        int to = (int) Math.min(all.length, from + Long.parseLong(partial.group(2)));
        sb.append("* ").append(n).append(" FETCH (UID ").append(n).append(" BODY[]<").append(from).append("> {")
            .append(to - from).append("}\r\n").append(new String(all, from, to - from, StandardCharsets.ISO_8859_1))
            .append(")\r\n");
      } else if (command.contains("BODY.PEEK[HEADER]")) {
        byte[] all = message(n);
        String text = new String(all, StandardCharsets.ISO_8859_1);
        String header = text.substring(0, text.indexOf("\r\n\r\n") + 4);
        sb.append(summary(n), 0, summary(n).length() - 3).append(" BODY[HEADER] {").append(header.length()).append("}\r\n")
            .append(header).append(")\r\n");
      } else {
        sb.append(summary(n));
      }
    }
    return sb.toString();
  }

  /** The numbers 1..count in a sequence set such as {@code 1:3,5} or {@code 2:*}. */
  private static List<Long> numbers(String set, int count) {
    List<Long> out = new ArrayList<>();
    for (String part : set.split(",")) {
      String[] ends = part.split(":");
      long lo = ends[0].equals("*") ? count : Long.parseLong(ends[0]);
      long hi = ends.length < 2 ? lo : ends[1].equals("*") ? count : Long.parseLong(ends[1]);
      for (long n = Math.max(1, Math.min(lo, hi)); n <= Math.min(count, Math.max(lo, hi)); n++) {
        out.add(n);
      }
    }
    return out;
  }

  static String selectAnswer(String tag, long exists) {
    return selectAnswer(tag, exists, 2);
  }

  static String selectAnswer(String tag, long exists, long uidNext) {
    return "* FLAGS (\\Seen \\Deleted \\Flagged)\r\n* OK [PERMANENTFLAGS (\\Seen \\Deleted \\Flagged \\*)] ok\r\n"
        + "* " + exists + " EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT " + uidNext + "] ok\r\n"
        + tag + " OK [READ-WRITE] done\r\n";
  }

  static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Writes {@code count} copies of {@code unit}, in blocks, without holding them all. */
  static void repeat(OutputStream out, String unit, long count) throws IOException {
    byte[] one = unit.getBytes(StandardCharsets.ISO_8859_1);
    int per = Math.max(1, 65536 / one.length);
    byte[] block = new byte[per * one.length];
    for (int i = 0; i < per; i++) {
      System.arraycopy(one, 0, block, i * one.length, one.length);
    }
    long left = count;
    while (left > 0) {
      int n = (int) Math.min(per, left);
      out.write(block, 0, n * one.length);
      left -= n;
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
