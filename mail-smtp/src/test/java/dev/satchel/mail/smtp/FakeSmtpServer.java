package dev.satchel.mail.smtp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small scriptable SMTP server on 127.0.0.1 for the failure modes GreenMail cannot show: refused
 * recipients with enhanced status codes, SIZE, no STARTTLS, 421, dropped connections, a lost reply
 * after the final dot. Records what it saw.
 */
final class FakeSmtpServer implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-smtp");
    t.setDaemon(true);
    return t;
  });
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  volatile List<String> extensions = List.of("8BITMIME", "ENHANCEDSTATUSCODES", "AUTH PLAIN LOGIN XOAUTH2");
  volatile Set<String> refusedRecipients = Set.of();
  volatile String password = "fake-secret-pw";
  volatile String acceptedToken = "";
  /** When set, the next MAIL FROM is answered with 421 and the connection closed. */
  final AtomicBoolean reply421OnNextMail = new AtomicBoolean();
  /** When set, the next final dot is read, the message counted as accepted, and the connection closed without a reply. */
  final AtomicBoolean dropAfterNextDot = new AtomicBoolean();
  /** Messages bigger than this are counted but not kept. */
  volatile int keepUpTo = 1 << 20;

  final AtomicInteger connections = new AtomicInteger();
  final AtomicBoolean authAttempted = new AtomicBoolean();
  final List<String> authMechanisms = new CopyOnWriteArrayList<>();
  /** Per AUTH command: its whole line length, and whether the initial response was on it. */
  final List<String> authLines = new java.util.concurrent.CopyOnWriteArrayList<>();
  final List<String> mailCommands = new CopyOnWriteArrayList<>();
  final List<String> rcptCommands = new CopyOnWriteArrayList<>();
  final AtomicInteger dataCommands = new AtomicInteger();
  final List<byte[]> messages = new CopyOnWriteArrayList<>();
  final AtomicInteger messageCount = new AtomicInteger();
  final AtomicLong lastMessageBytes = new AtomicLong();

  FakeSmtpServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Closes every open client connection from the server side, as an idle timeout would. */
  void dropAllConnections() {
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        open.add(s);
        connections.incrementAndGet();
        threads.execute(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(30_000);
      InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
      OutputStream out = s.getOutputStream();
      reply(out, "220 fake.test ESMTP ready");
      String line;
      while ((line = readLine(in)) != null) {
        String upper = line.toUpperCase(Locale.ROOT);
        if (upper.startsWith("EHLO")) {
          List<String> lines = new ArrayList<>();
          lines.add("fake.test greets you");
          lines.addAll(extensions);
          for (int i = 0; i < lines.size(); i++) {
            reply(out, "250" + (i < lines.size() - 1 ? "-" : " ") + lines.get(i));
          }
        } else if (upper.startsWith("HELO")) {
          reply(out, "250 fake.test");
        } else if (upper.startsWith("AUTH")) {
          authAttempted.set(true);
          auth(line, in, out);
        } else if (upper.startsWith("MAIL FROM")) {
          mailCommands.add(line);
          if (reply421OnNextMail.getAndSet(false)) {
            reply(out, "421 4.4.2 fake.test closing idle connection");
            return;
          }
          reply(out, "250 2.1.0 Ok");
        } else if (upper.startsWith("RCPT TO")) {
          rcptCommands.add(line);
          String addr = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
          if (refusedRecipients.contains(addr.toLowerCase(Locale.ROOT))) {
            reply(out, "550 5.1.1 <" + addr + ">: Recipient address rejected: User unknown in virtual mailbox table");
          } else {
            reply(out, "250 2.1.5 Ok");
          }
        } else if (upper.equals("DATA")) {
          dataCommands.incrementAndGet();
          reply(out, "354 End data with <CR><LF>.<CR><LF>");
          if (!readData(in)) {
            return;
          }
          if (dropAfterNextDot.getAndSet(false)) {
            return; // accepted, but the reply is lost
          }
          reply(out, "250 2.0.0 Ok: queued as " + messageCount.get());
        } else if (upper.equals("RSET") || upper.equals("NOOP")) {
          reply(out, "250 2.0.0 Ok");
        } else if (upper.equals("QUIT")) {
          reply(out, "221 2.0.0 Bye");
          return;
        } else {
          reply(out, "502 5.5.2 Error: command not recognized");
        }
      }
    } catch (IOException e) {
      // client went away
    } finally {
      open.remove(s);
    }
  }

  private void auth(String line, InputStream in, OutputStream out) throws IOException {
    String[] parts = line.split(" ");
    String mech = parts.length > 1 ? parts[1].toUpperCase(Locale.ROOT) : "";
    authMechanisms.add(mech);
    authLines.add(line.length() + (parts.length > 2 ? " with initial response" : " without initial response"));
    boolean ok;
    if (mech.equals("PLAIN")) {
      String resp = parts.length > 2 ? parts[2] : challenge(out, in, "");
      String[] f = new String(Base64.getDecoder().decode(resp), StandardCharsets.UTF_8).split("\0", -1);
      ok = f.length == 3 && f[2].equals(password);
    } else if (mech.equals("LOGIN")) {
      challenge(out, in, "VXNlcm5hbWU6");
      String pw = new String(Base64.getDecoder().decode(challenge(out, in, "UGFzc3dvcmQ6")), StandardCharsets.UTF_8);
      ok = pw.equals(password);
    } else if (mech.equals("XOAUTH2")) {
      String resp = parts.length > 2 ? parts[2] : challenge(out, in, "");
      String decoded = new String(Base64.getDecoder().decode(resp), StandardCharsets.UTF_8);
      ok = !acceptedToken.isEmpty() && decoded.contains("auth=Bearer " + acceptedToken + "\001");
    } else {
      reply(out, "504 5.5.4 Unrecognized authentication type");
      return;
    }
    reply(out, ok ? "235 2.7.0 Authentication successful" : "535 5.7.8 Error: authentication failed: bad credentials");
  }

  private String challenge(OutputStream out, InputStream in, String text) throws IOException {
    reply(out, "334 " + text);
    String r = readLine(in);
    return r == null ? "" : r.strip();
  }

  private boolean readData(InputStream in) throws IOException {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    long total = 0;
    boolean keep = true;
    String line;
    while ((line = readLine(in)) != null) {
      if (line.equals(".")) {
        messageCount.incrementAndGet();
        lastMessageBytes.set(total);
        if (keep) {
          messages.add(kept.toByteArray());
        }
        return true;
      }
      String unstuffed = line.startsWith(".") ? line.substring(1) : line;
      byte[] b = (unstuffed + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
      total += b.length;
      if (keep && total <= keepUpTo) {
        kept.write(b);
      } else {
        keep = false;
        kept.reset();
      }
    }
    return false;
  }

  /** Reads one line (bytes as ISO-8859-1), without CRLF; null at end of stream. */
  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == '\r') {
          sb.setLength(n - 1);
        }
        return sb.toString();
      }
      sb.append((char) b);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  private static void reply(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // ignore
    }
  }

  List<String> rcptSnapshot() {
    return Collections.unmodifiableList(new ArrayList<>(rcptCommands));
  }

  @Override
  public void close() throws IOException {
    server.close();
    dropAllConnections();
    threads.shutdownNow();
  }
}
