package dev.satchel.mail.imap;

import dev.satchel.mail.testkit.LoopbackServer;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A loopback IMAP server with one message in INBOX that answers like a healthy server until the
 * first command with a chosen verb ("SELECT", "NOOP", "FETCH" — also UID FETCH — or "SEARCH"), which
 * it answers with an {@link Attack} streamed to the socket; then it closes the connection. Attacks
 * write as they go, so that a hundred megabytes never sit in the test's memory.
 */
final class HostileImapServer implements AutoCloseable {
  /** Writes a hostile answer to the command tagged {@code tag}. */
  @FunctionalInterface
  interface Attack {
    void send(OutputStream out, String tag) throws IOException;
  }

  private final LoopbackServer server;
  private final String step;
  private final Attack attack;

  HostileImapServer(String step, Attack attack) throws IOException {
    this.step = step;
    this.attack = attack;
    this.server = LoopbackServer.start("hostile-imap", this::serve);
  }

  int port() {
    return server.port();
  }

  private void serve(Socket s) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
    write(out, "* OK [CAPABILITY IMAP4rev1 UIDPLUS] hostile IMAP ready\r\n");
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.split(" ");
      String tag = words[0];
      String verb = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
      if (verb.equals("UID") && words.length > 2) {
        verb = words[2].toUpperCase(Locale.ROOT);
      }
      if (verb.equals(step)) {
        attack.send(out, tag);
        out.flush();
        return;
      }
      String answer = switch (verb) {
        case "CAPABILITY" -> "* CAPABILITY IMAP4rev1 UIDPLUS\r\n" + tag + " OK done\r\n";
        case "LOGIN" -> tag + " OK [CAPABILITY IMAP4rev1 UIDPLUS] logged in\r\n";
        case "SELECT", "EXAMINE" -> selectAnswer(tag, 1);
        case "SEARCH" -> "* SEARCH 1\r\n" + tag + " OK done\r\n";
        case "FETCH" -> "* 1 FETCH (UID 1 FLAGS () RFC822.SIZE 10 INTERNALDATE \"01-Jan-2024 09:00:00 +0000\""
            + " ENVELOPE (NIL \"one\" NIL NIL NIL NIL NIL NIL NIL \"<one@example.test>\"))\r\n" + tag + " OK done\r\n";
        case "LOGOUT" -> "* BYE bye\r\n" + tag + " OK done\r\n";
        default -> tag + " OK done\r\n";
      };
      write(out, answer);
      if (verb.equals("LOGOUT")) {
        return;
      }
    }
  }

  static String selectAnswer(String tag, long exists) {
    return "* FLAGS (\\Seen \\Deleted \\Flagged)\r\n* OK [PERMANENTFLAGS (\\Seen \\Deleted \\Flagged \\*)] ok\r\n"
        + "* " + exists + " EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 2] ok\r\n"
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
