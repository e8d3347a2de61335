package dev.satchel.mail.pop3;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A healthy POP3 server for a {@code LoopbackServer}: USER/PASS, a maildrop of one small message per
 * UIDL given, STAT, UIDL, LIST, TOP, RETR, RSET and QUIT. With {@code pipelining} it offers PIPELINING,
 * and after login it reads the line after CAPA before answering CAPA: a client that waited for the
 * answer first would time out, so what came in one flight shows in the recorded commands.
 */
final class FakeMaildrop {
  /** Marks a command that arrived before the CAPA ahead of it was answered. */
  static final String WITH_CAPA = " (sent with CAPA)";

  private FakeMaildrop() {}

  static String message(int n) {
    return "From: a@example.test\r\nTo: b@example.test\r\nSubject: m" + n + "\r\nMessage-ID: <m" + n
        + "@example.test>\r\n\r\nbody " + n + "\r\n";
  }

  /** Serves one connection; every command verb goes to {@code commands}, in order. */
  static void serve(Socket s, List<String> uidls, boolean pipelining, List<String> commands) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    OutputStream out = s.getOutputStream();
    write(out, "+OK ready\r\n");
    boolean loggedIn = false;
    String pending = null;
    while (true) {
      String line = pending != null ? pending : in.readLine();
      boolean ahead = pending != null;
      pending = null;
      if (line == null) {
        return;
      }
      String[] words = line.split(" ");
      String verb = words[0].toUpperCase(Locale.ROOT);
      commands.add(ahead ? verb + WITH_CAPA : verb);
      StringBuilder answer = new StringBuilder();
      switch (verb) {
        case "CAPA" -> {
          if (pipelining && loggedIn) {
            pending = in.readLine(); // the next command, before this one is answered
          }
          answer.append("+OK\r\nUSER\r\nUIDL\r\nTOP\r\n").append(pipelining ? "PIPELINING\r\n" : "").append(".\r\n");
        }
        case "USER", "NOOP", "RSET" -> answer.append("+OK\r\n");
        case "PASS" -> {
          loggedIn = true;
          answer.append("+OK logged in\r\n");
        }
        case "STAT" -> answer.append("+OK ").append(uidls.size()).append(' ').append(uidls.size() * 100).append("\r\n");
        case "UIDL" -> {
          answer.append("+OK\r\n");
          for (int i = 0; i < uidls.size(); i++) {
            answer.append(i + 1).append(' ').append(uidls.get(i)).append("\r\n");
          }
          answer.append(".\r\n");
        }
        case "LIST" -> {
          answer.append("+OK\r\n");
          for (int i = 0; i < uidls.size(); i++) {
            answer.append(i + 1).append(' ').append(message(i + 1).length()).append("\r\n");
          }
          answer.append(".\r\n");
        }
        case "TOP" -> {
          String m = message(Integer.parseInt(words[1]));
          answer.append("+OK\r\n").append(m, 0, m.indexOf("\r\n\r\n") + 4).append(".\r\n");
        }
        case "RETR" -> answer.append("+OK\r\n").append(message(Integer.parseInt(words[1]))).append(".\r\n");
        case "QUIT" -> {
          write(out, "+OK bye\r\n");
          return;
        }
        default -> answer.append("-ERR unknown command\r\n");
      }
      write(out, answer.toString());
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }
}
