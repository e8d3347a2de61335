package dev.satchel.mail.smtp;

import dev.satchel.mail.testkit.LoopbackServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A loopback SMTP server that answers like a healthy server without authentication, except that the
 * reply to one chosen step ("GREETING", "EHLO", "MAIL", "RCPT", "DATA" or "DOT" for the final dot) is
 * replaced by given bytes, after which the connection is closed: malformed replies, for bad-input tests.
 */
final class ScriptedSmtpServer implements AutoCloseable {
  private final LoopbackServer server;
  private final String badStep;
  private final byte[] badReply;

  ScriptedSmtpServer(String badStep, byte[] badReply) throws IOException {
    this.badStep = badStep;
    this.badReply = badReply.clone();
    this.server = LoopbackServer.start("scripted-smtp", this::serve);
  }

  int port() {
    return server.port();
  }

  private void serve(Socket s) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    OutputStream out = s.getOutputStream();
    if (!reply(out, "GREETING", "220 scripted.example.test ESMTP\r\n")) {
      return;
    }
    String line;
    while ((line = in.readLine()) != null) {
      String verb = line.split("[ :]", 2)[0].toUpperCase(Locale.ROOT);
      boolean goOn = switch (verb) {
        case "EHLO" -> reply(out, "EHLO", "250-scripted.example.test\r\n250-SIZE 10000000\r\n250 8BITMIME\r\n");
        case "HELO" -> reply(out, "EHLO", "250 scripted.example.test\r\n");
        case "MAIL" -> reply(out, "MAIL", "250 2.1.0 OK\r\n");
        case "RCPT" -> reply(out, "RCPT", "250 2.1.5 OK\r\n");
        case "DATA" -> {
          if (!reply(out, "DATA", "354 go ahead\r\n")) {
            yield false;
          }
          String data;
          while ((data = in.readLine()) != null && !data.equals(".")) {
            // the message is discarded
          }
          yield data != null && reply(out, "DOT", "250 2.0.0 queued\r\n");
        }
        case "QUIT" -> {
          reply(out, "QUIT", "221 bye\r\n");
          yield false;
        }
        default -> reply(out, verb, "250 OK\r\n");
      };
      if (!goOn) {
        return;
      }
    }
  }

  /** Writes the healthy reply, or the bad one for the chosen step; false when the connection must end. */
  private boolean reply(OutputStream out, String step, String healthy) throws IOException {
    boolean bad = step.equals(badStep);
    out.write(bad ? badReply : healthy.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return !bad;
  }

  @Override
  public void close() {
    server.close();
  }
}
