package dev.satchel.mail.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A minimal plaintext SMTP client that reads what a harness server advertises before STARTTLS.
 * Independent of Satchel, so that a test can tell what the server offers from what Satchel made of it.
 */
final class RawSmtp {
  private RawSmtp() {}

  /** The EHLO keywords (upper case, without parameters) the server on {@code port} offers before STARTTLS. */
  static Set<String> ehloKeywords(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(Harness.HOST, port), 5000);
      socket.setSoTimeout(20_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      reply(in, "greeting");
      out.write("EHLO satchel-interop\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Set<String> keywords = new LinkedHashSet<>();
      String[] lines = reply(in, "EHLO").split("\n");
      for (int i = 1; i < lines.length; i++) { // the first line is the server's greeting to us
        keywords.add(lines[i].substring(4).split(" ")[0].toUpperCase(Locale.ROOT));
      }
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return keywords;
    } catch (IOException e) {
      throw new UncheckedIOException("EHLO on " + Harness.HOST + ":" + port + " failed", e);
    }
  }

  /** Reads one (possibly multi-line) 2xx reply; its lines joined with LF. */
  private static String reply(BufferedReader in, String step) throws IOException {
    StringBuilder all = new StringBuilder();
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        throw new IOException("the server closed the connection at " + step);
      }
      all.append(all.length() == 0 ? "" : "\n").append(line);
    } while (line.length() > 3 && line.charAt(3) == '-');
    if (!line.startsWith("2")) {
      throw new IOException(step + ": expected a 2xx reply, got \"" + line + "\"");
    }
    return all.toString();
  }
}
