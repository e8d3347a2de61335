package dev.satchel.mail.smtp;

import dev.satchel.mail.testkit.LoopbackServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback SMTP server whose every session is a script ({@link Script}) written against a small
 * peer API: read the client's lines and message data, write replies or anything else. Records the
 * command lines it read and counts connections and completed messages, so that tests can see what the
 * client sent (and that it sent nothing twice).
 */
final class HostileSmtpServer implements AutoCloseable {
  /** One session's behaviour. */
  interface Script {
    void run(Peer peer) throws IOException;
  }

  private final LoopbackServer server;
  final List<String> commands = new CopyOnWriteArrayList<>();
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger messages = new AtomicInteger();

  HostileSmtpServer(Script script) throws IOException {
    this.server = LoopbackServer.start("hostile-smtp", s -> {
      connections.incrementAndGet();
      script.run(new Peer(s));
    });
  }

  int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
  }

  /** The server's side of one connection. */
  final class Peer {
    private final InputStream in;
    private final OutputStream out;

    Peer(Socket s) throws IOException {
      this.in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
      this.out = s.getOutputStream();
    }

    /** The next command line (recorded), or null at the end of the input. */
    String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        if (c != '\r') {
          b.write(c);
        }
      }
      if (c < 0 && b.size() == 0) {
        return null;
      }
      String l = b.toString(StandardCharsets.UTF_8);
      commands.add(l);
      return l;
    }

    /** True when the client has sent more than was read (pipelined commands waiting). */
    boolean pending() throws IOException {
      return in.available() > 0;
    }

    /** Reads DATA content up to the final dot; counts a message; false when the input ended first. */
    boolean data() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          String l = b.toString(StandardCharsets.ISO_8859_1);
          b.reset();
          if (l.equals(".\r") || l.equals(".")) {
            messages.incrementAndGet();
            return true;
          }
        } else {
          b.write(c);
        }
      }
      return false;
    }

    /** Counts a message as taken. */
    void taken() {
      messages.incrementAndGet();
    }

    /** Reads {@code n} bytes of a BDAT chunk. */
    void chunk(long n) throws IOException {
      for (long i = 0; i < n; i++) {
        if (in.read() < 0) {
          throw new IOException("end of input in a chunk");
        }
      }
    }

    void reply(String... lines) throws IOException {
      for (String l : lines) {
        out.write((l + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
      out.flush();
    }

    void raw(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    /** Answers like a healthy server until QUIT or the end of the input (DATA and BDAT included). */
    void serve() throws IOException {
      String l;
      while ((l = line()) != null) {
        String verb = l.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
        switch (verb) {
          case "DATA" -> {
            reply("354 go ahead");
            if (!data()) {
              return;
            }
            reply("250 2.0.0 queued");
          }
          case "BDAT" -> {
            String[] p = l.split(" ");
            chunk(Long.parseLong(p[1]));
            if (p.length > 2) {
              messages.incrementAndGet();
            }
            reply("250 2.0.0 chunk taken");
          }
          case "QUIT" -> {
            reply("221 bye");
            return;
          }
          default -> reply("250 2.1.0 ok");
        }
      }
    }

    /** Greets and answers EHLO with {@code extensions}. */
    void hello(String... extensions) throws IOException {
      reply("220 hostile.test ESMTP");
      line();
      String[] lines = new String[extensions.length + 1];
      lines[0] = "250" + (extensions.length == 0 ? " " : "-") + "hostile.test";
      for (int i = 0; i < extensions.length; i++) {
        lines[i + 1] = "250" + (i == extensions.length - 1 ? " " : "-") + extensions[i];
      }
      reply(lines);
    }
  }
}
