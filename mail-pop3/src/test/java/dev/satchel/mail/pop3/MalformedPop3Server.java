package dev.satchel.mail.pop3;

import dev.satchel.mail.testkit.LoopbackServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * A loopback POP3 server that answers like a healthy server with one message, except that the answer
 * to one chosen command is replaced by given bytes: malformed answers, for bad-input tests.
 */
final class MalformedPop3Server implements AutoCloseable {
  private static final String MESSAGE = "From: a@example.test\r\nTo: b@example.test\r\nSubject: one\r\n"
      + "Message-ID: <one@example.test>\r\n\r\nbody\r\n";

  private final LoopbackServer server;
  private final String badCommand;
  private final byte[] badAnswer;

  /** Answers {@code badCommand} (a verb, for example "UIDL") with {@code badAnswer}, then closes the connection. */
  MalformedPop3Server(String badCommand, byte[] badAnswer) throws IOException {
    this.badCommand = badCommand;
    this.badAnswer = badAnswer.clone();
    this.server = LoopbackServer.start("malformed-pop3", this::serve);
  }

  int port() {
    return server.port();
  }

  private void serve(Socket s) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    OutputStream out = s.getOutputStream();
    Map<String, String> healthy = Map.of(
        "CAPA", "+OK\r\nUSER\r\nUIDL\r\nTOP\r\n.\r\n",
        "USER", "+OK\r\n",
        "PASS", "+OK logged in\r\n",
        "STAT", "+OK 1 " + MESSAGE.length() + "\r\n",
        "NOOP", "+OK\r\n",
        "RSET", "+OK\r\n",
        "UIDL", "+OK\r\n1 uid-one\r\n.\r\n",
        "LIST", "+OK\r\n1 " + MESSAGE.length() + "\r\n.\r\n",
        "TOP", "+OK\r\n" + MESSAGE.substring(0, MESSAGE.indexOf("\r\n\r\n") + 4) + ".\r\n",
        "RETR", "+OK\r\n" + MESSAGE + ".\r\n");
    if (badCommand.equals("GREETING")) {
      out.write(badAnswer);
      out.flush();
      return;
    }
    out.write("+OK scripted POP3 ready\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    String line;
    while ((line = in.readLine()) != null) {
      String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
      if (verb.equals(badCommand)) {
        out.write(badAnswer);
        out.flush();
        return;
      }
      if (verb.equals("QUIT")) {
        out.write("+OK bye\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return;
      }
      String answer = healthy.getOrDefault(verb, "-ERR unknown command\r\n");
      out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
