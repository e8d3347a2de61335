package dev.satchel.mail.imap;

import dev.satchel.mail.testkit.LoopbackServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A loopback IMAP server that answers like a healthy server with one message in INBOX, except that the
 * answer to one chosen step ("GREETING", or a command verb such as "LOGIN", "SELECT", "FETCH" — which
 * also covers UID FETCH — or "SEARCH") is replaced by given untagged lines, followed by a tagged OK,
 * after which the connection is closed: malformed answers, for bad-input tests.
 */
final class ScriptedImapServer implements AutoCloseable {
  private static final String MESSAGE = "From: a@example.test\r\nTo: b@example.test\r\nSubject: one\r\n"
      + "Message-ID: <one@example.test>\r\n\r\nbody\r\n";

  private final LoopbackServer server;
  private final String badStep;
  private final String badLines;

  ScriptedImapServer(String badStep, String badLines) throws IOException {
    this.badStep = badStep;
    this.badLines = badLines;
    this.server = LoopbackServer.start("scripted-imap", this::serve);
  }

  int port() {
    return server.port();
  }

  private void serve(Socket s) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    OutputStream out = s.getOutputStream();
    if (badStep.equals("GREETING")) {
      write(out, badLines);
      return;
    }
    write(out, "* OK [CAPABILITY IMAP4rev1 UIDPLUS] scripted IMAP ready\r\n");
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.split(" ");
      String tag = words[0];
      String verb = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
      if (verb.equals("UID") && words.length > 2) {
        verb = words[2].toUpperCase(Locale.ROOT);
      }
      if (verb.equals(badStep)) {
        write(out, badLines + tag + " OK done\r\n");
        return;
      }
      String answer = switch (verb) {
        case "CAPABILITY" -> "* CAPABILITY IMAP4rev1 UIDPLUS\r\n" + tag + " OK done\r\n";
        case "LOGIN" -> tag + " OK [CAPABILITY IMAP4rev1 UIDPLUS] logged in\r\n";
        case "SELECT", "EXAMINE" -> "* FLAGS (\\Seen \\Deleted \\Flagged)\r\n* OK [PERMANENTFLAGS (\\Seen \\Deleted \\Flagged \\*)] ok\r\n"
            + "* 1 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 2] ok\r\n" + tag + " OK [READ-WRITE] done\r\n";
        case "SEARCH" -> "* SEARCH 1\r\n" + tag + " OK done\r\n";
        case "FETCH" -> "* 1 FETCH (UID 1 FLAGS () RFC822.SIZE " + MESSAGE.length()
            + " INTERNALDATE \"01-Jan-2024 09:00:00 +0000\" BODY[] {" + MESSAGE.length() + "}\r\n" + MESSAGE + ")\r\n"
            + tag + " OK done\r\n";
        case "LOGOUT" -> "* BYE bye\r\n" + tag + " OK done\r\n";
        default -> tag + " OK done\r\n";
      };
      write(out, answer);
      if (verb.equals("LOGOUT")) {
        return;
      }
    }
  }

  /** Writes {@code text} as ISO-8859-1 and flushes; shared with {@link FetchScriptedImapServer}. */
  static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Override
  public void close() {
    server.close();
  }
}
