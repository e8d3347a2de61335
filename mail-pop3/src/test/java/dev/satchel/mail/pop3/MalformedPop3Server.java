package dev.satchel.mail.pop3;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback POP3 server that answers like a healthy server with one message, except that the answer
 * to one chosen command is replaced by given bytes: malformed answers, for bad-input tests.
 */
final class MalformedPop3Server implements AutoCloseable {
  private static final String MESSAGE = "From: a@example.test\r\nTo: b@example.test\r\nSubject: one\r\n"
      + "Message-ID: <one@example.test>\r\n\r\nbody\r\n";

  private final ServerSocket listener;
  private final String badCommand;
  private final byte[] badAnswer;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

  /** Answers {@code badCommand} (a verb, for example "UIDL") with {@code badAnswer}, then closes the connection. */
  MalformedPop3Server(String badCommand, byte[] badAnswer) throws IOException {
    this.badCommand = badCommand;
    this.badAnswer = badAnswer.clone();
    this.listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "malformed-pop3");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket s = listener.accept();
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "malformed-pop3-session");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(10_000);
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
    } catch (IOException e) {
      // the client went away
    } finally {
      sockets.remove(s);
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
