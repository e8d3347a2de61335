package dev.satchel.mail.interop;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A minimal IMAP client (implicit TLS, LOGIN, one command at a time) that sets up and seeds accounts on
 * servers without LMTP in the harness (Courier), and empties accounts on servers whose mail homes
 * reset.sh does not manage (Cyrus, Courier). Independent of Satchel, so that a Satchel bug cannot hide
 * in the fixture.
 */
final class RawImap implements AutoCloseable {
  /** The folders each harness account keeps: INBOX and the five special-use folders. */
  private static final Set<String> KEPT = Set.of("INBOX", "INBOX.Drafts", "INBOX.Sent", "INBOX.Trash", "INBOX.Junk", "INBOX.Archive");
  private static final Pattern LIST = Pattern.compile("^\\* LIST \\([^)]*\\) (?:\"[^\"]*\"|NIL) (.+)$");
  private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS$");

  private final SSLSocket socket;
  private final InputStream in;
  private final OutputStream out;
  private int tag;

  private RawImap(SSLSocket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Logs a harness user in on the server's implicit-TLS IMAP port. */
  static RawImap login(Harness harness, Harness.MailServer server, String user) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(harness.trustStore());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
      SSLParameters params = socket.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(params);
      socket.connect(new InetSocketAddress(Harness.HOST, harness.port(server, dev.satchel.mail.Protocol.IMAP,
          dev.satchel.mail.Security.TLS)), 5000);
      socket.setSoTimeout(20_000);
      RawImap imap = new RawImap(socket);
      imap.readLine(); // greeting
      imap.command("LOGIN " + quote(Harness.address(user)) + " " + quote(Harness.password(user)));
      return imap;
    } catch (IOException e) {
      throw new UncheckedIOException("IMAP login of " + user + " on " + server.displayName() + " failed", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS set-up for " + server.displayName() + " failed", e);
    }
  }

  /**
   * Empties an account: deletes every folder but INBOX and the special-use five, and expunges every
   * message in those. UIDVALIDITY stays (unlike reset.sh on Dovecot), so UIDs keep rising.
   */
  static void empty(Harness harness, Harness.MailServer server, String user) {
    try (RawImap imap = login(harness, server, user)) {
      List<String> folders = new ArrayList<>();
      for (String line : imap.command("LIST \"\" \"*\"")) {
        Matcher m = LIST.matcher(line);
        if (m.matches()) {
          folders.add(unquote(m.group(1)));
        }
      }
      folders.stream().filter(f -> !KEPT.contains(f)).sorted(Comparator.comparingInt(String::length).reversed())
          .forEach(f -> imap.command("DELETE " + quote(f)));
      for (String f : folders) {
        if (KEPT.contains(f)) {
          long exists = imap.command("SELECT " + quote(f)).stream().map(EXISTS::matcher).filter(Matcher::matches)
              .mapToLong(m -> Long.parseLong(m.group(1))).max().orElse(0);
          if (exists > 0) {
            imap.command("STORE 1:* +FLAGS.SILENT (\\Deleted)");
            imap.command("EXPUNGE");
          }
        }
      }
    }
  }

  /** Appends a raw message (any line ends) to the user's INBOX. */
  static void append(Harness harness, Harness.MailServer server, String user, byte[] rfc822) {
    try (RawImap imap = login(harness, server, user)) {
      imap.appendToInbox(crlf(rfc822));
    }
  }

  private void appendToInbox(byte[] message) {
    try {
      String t = "s" + (++tag);
      write(t + " APPEND INBOX {" + message.length + "}\r\n");
      String line = readLine();
      if (!line.startsWith("+")) {
        throw new IOException("APPEND: expected a continuation, got \"" + line + "\"");
      }
      out.write(message);
      write("\r\n");
      awaitTagged(t, "APPEND");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends one command and returns its untagged lines; throws unless the answer is OK. */
  private List<String> command(String command) {
    try {
      String t = "s" + (++tag);
      write(t + " " + command + "\r\n");
      return awaitTagged(t, command.startsWith("LOGIN") ? "LOGIN" : command);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> awaitTagged(String t, String what) throws IOException {
    List<String> untagged = new ArrayList<>();
    while (true) {
      String line = readLine();
      if (line.startsWith(t + " ")) {
        if (!line.startsWith(t + " OK")) {
          throw new IOException(what + " failed: " + line);
        }
        return untagged;
      }
      untagged.add(line);
    }
  }

  private void write(String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** One line; a literal at its end ({n}) is read and put inline, quoted. */
  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) {
          throw new IOException("the server closed the connection");
        }
        if (b != '\r') {
          bytes.write(b);
        }
      }
      String part = bytes.toString(StandardCharsets.UTF_8);
      Matcher literal = Pattern.compile("\\{(\\d+)\\}$").matcher(part);
      if (!literal.find()) {
        return line.append(part).toString();
      }
      byte[] data = in.readNBytes(Integer.parseInt(literal.group(1)));
      line.append(part, 0, literal.start()).append(quote(new String(data, StandardCharsets.UTF_8)));
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String unquote(String s) {
    return s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\") : s;
  }

  private static byte[] crlf(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 64);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) {
        out.write('\r');
      }
      out.write(raw[i]);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    try {
      write("s" + (++tag) + " LOGOUT\r\n");
    } catch (IOException e) {
      // closing anyway
    }
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }
}
