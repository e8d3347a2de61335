package dev.satchel.mail.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stores raw messages byte for byte with IMAP APPEND over a plain connection of its own (the harness
 * allows LOGIN without TLS): the most faithful way to put a malformed message into Dovecot.
 */
final class RawImapAppend implements AutoCloseable {
  private static final Pattern APPENDUID = Pattern.compile("\\[APPENDUID (\\d+) (\\d+)]");

  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;
  private int tag;

  RawImapAppend(String host, int port, String user, String password) {
    try {
      socket = new Socket(host, port);
      socket.setSoTimeout(20_000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      out = socket.getOutputStream();
      in.readLine(); // greeting
      command("LOGIN \"" + user + "\" \"" + password + "\"");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Appends {@code raw} to {@code folder}; returns the UID from APPENDUID. */
  long append(String folder, byte[] raw) {
    try {
      String t = "a" + (++tag);
      send(t + " APPEND \"" + folder + "\" {" + raw.length + "}\r\n");
      String line = in.readLine();
      if (line == null || !line.startsWith("+")) {
        throw new IllegalStateException("APPEND not continued: " + line);
      }
      out.write(raw);
      send("\r\n");
      String done = awaitTagged(t);
      Matcher m = APPENDUID.matcher(done);
      if (!m.find()) {
        throw new IllegalStateException("no APPENDUID in " + done);
      }
      return Long.parseLong(m.group(2));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String command(String text) throws IOException {
    String t = "a" + (++tag);
    send(t + " " + text + "\r\n");
    return awaitTagged(t);
  }

  private String awaitTagged(String t) throws IOException {
    for (String line; (line = in.readLine()) != null; ) {
      if (line.startsWith(t + " ")) {
        if (!line.startsWith(t + " OK")) {
          throw new IllegalStateException("refused: " + line);
        }
        return line;
      }
    }
    throw new IOException("connection closed");
  }

  private void send(String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Override
  public void close() {
    try {
      command("LOGOUT");
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
