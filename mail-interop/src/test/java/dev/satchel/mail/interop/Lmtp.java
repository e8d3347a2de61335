package dev.satchel.mail.interop;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal LMTP client (RFC 2033) for seeding: delivers a raw message straight into a Dovecot
 * mailbox, synchronously (the message is stored when this returns), without Postfix in between.
 */
final class Lmtp {
  private Lmtp() {}

  /** Delivers {@code rfc822} (CRLF line ends) to {@code recipient}'s INBOX. */
  static void deliver(int port, String recipient, byte[] rfc822) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(Harness.HOST, port), 5000);
      socket.setSoTimeout(20_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      expect(in, "220", "greeting");
      command(out, "LHLO satchel-interop");
      expect(in, "250", "LHLO");
      command(out, "MAIL FROM:<seeder@example.org>");
      expect(in, "250", "MAIL FROM");
      command(out, "RCPT TO:<" + recipient + ">");
      expect(in, "250", "RCPT TO " + recipient);
      command(out, "DATA");
      expect(in, "354", "DATA");
      out.write(dotStuffed(rfc822));
      out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      expect(in, "250", "end of data (one reply per recipient)");
      command(out, "QUIT");
    } catch (IOException e) {
      throw new UncheckedIOException("LMTP delivery to " + recipient + " on port " + port + " failed", e);
    }
  }

  private static void command(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads one (possibly multi-line) reply and checks its code. */
  private static void expect(BufferedReader in, String code, String step) throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        throw new IOException("LMTP server closed the connection at " + step);
      }
    } while (line.length() > 3 && line.charAt(3) == '-');
    if (!line.startsWith(code)) {
      throw new IOException("LMTP " + step + ": expected " + code + ", got \"" + line + "\"");
    }
  }

  /** Normalises line ends to CRLF, dot-stuffs, and ends with CRLF. */
  static byte[] dotStuffed(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 64);
    boolean lineStart = true;
    for (int i = 0; i < raw.length; i++) {
      byte b = raw[i];
      if (b == '\r' && i + 1 < raw.length && raw[i + 1] == '\n') {
        continue; // the LF writes the CRLF
      }
      if (lineStart && b == '.') {
        out.write('.');
      }
      if (b == '\n') {
        out.write('\r');
        out.write('\n');
        lineStart = true;
      } else {
        out.write(b);
        lineStart = false;
      }
    }
    if (!lineStart) {
      out.write('\r');
      out.write('\n');
    }
    return out.toByteArray();
  }
}
