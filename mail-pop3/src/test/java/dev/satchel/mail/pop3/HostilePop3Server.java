package dev.satchel.mail.pop3;

import dev.satchel.mail.testkit.LoopbackServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A loopback POP3 server that answers like a healthy one with {@code count} small messages, except
 * for the verbs given an {@link Answer} of their own: lying counts, endless answers, trickled bytes,
 * answers out of step. It records the verbs it received and notices when the client closed the
 * connection.
 */
final class HostilePop3Server implements AutoCloseable {
  static final String MESSAGE = "From: a@example.test\r\nTo: b@example.test\r\nSubject: hostile\r\n"
      + "Message-ID: <h@example.test>\r\n\r\nbody\r\n";

  /** Writes the answer to one command; may write forever (until the client closes). */
  @FunctionalInterface
  interface Answer {
    void write(OutputStream out, String line) throws IOException;
  }

  private final LoopbackServer server;
  private final String capa;
  private final int count;
  private final Map<String, Answer> answers;
  /** Every command verb received, upper case. */
  final List<String> commands = new CopyOnWriteArrayList<>();
  private final CountDownLatch clientClosed = new CountDownLatch(1);

  HostilePop3Server(String capa, int count, Map<String, Answer> answers) throws IOException {
    this.capa = capa;
    this.count = count;
    this.answers = answers;
    this.server = LoopbackServer.start("hostile-pop3", this::serve);
  }

  int port() {
    return server.port();
  }

  /** True once the client closed its connection within {@code seconds}. */
  boolean clientClosed(int seconds) throws InterruptedException {
    return clientClosed.await(seconds, TimeUnit.SECONDS);
  }

  private void serve(Socket s) throws IOException {
    s.setSoTimeout(0);
    try {
      session(s);
      // drain until the client goes away
      while (s.getInputStream().read() >= 0) {
        // ignore
      }
    } catch (IOException e) {
      // the client closed while we wrote, or reset
    } finally {
      clientClosed.countDown();
    }
  }

  private void session(Socket s) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    OutputStream out = s.getOutputStream();
    send(out, "+OK hostile POP3 ready\r\n");
    String line;
    while ((line = in.readLine()) != null) {
      String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
      commands.add(verb);
      Answer a = answers.get(verb);
      if (a != null) {
        a.write(out, line);
        out.flush();
        continue;
      }
      String[] words = line.split(" ");
      switch (verb) {
        case "CAPA" -> send(out, "+OK\r\n" + capa + ".\r\n");
        case "USER", "PASS", "NOOP", "RSET", "DELE" -> send(out, "+OK\r\n");
        case "STAT" -> send(out, "+OK " + count + " " + (count * MESSAGE.length()) + "\r\n");
        case "UIDL" -> send(out, listing(n -> "uid-" + n));
        case "LIST" -> send(out, words.length > 1 ? "+OK " + words[1] + " " + MESSAGE.length() + "\r\n"
            : listing(n -> Integer.toString(MESSAGE.length())));
        case "TOP" -> send(out, "+OK\r\n" + MESSAGE.substring(0, MESSAGE.indexOf("\r\n\r\n") + 4) + ".\r\n");
        case "RETR" -> send(out, "+OK\r\n" + MESSAGE + ".\r\n");
        case "QUIT" -> {
          send(out, "+OK bye\r\n");
          return;
        }
        default -> send(out, "-ERR unknown command\r\n");
      }
    }
  }

  private String listing(java.util.function.IntFunction<String> value) {
    StringBuilder b = new StringBuilder("+OK\r\n");
    for (int n = 1; n <= count; n++) {
      b.append(n).append(' ').append(value.apply(n)).append("\r\n");
    }
    return b.append(".\r\n").toString();
  }

  static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Override
  public void close() {
    server.close();
  }
}
