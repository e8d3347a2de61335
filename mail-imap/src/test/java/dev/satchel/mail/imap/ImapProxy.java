package dev.satchel.mail.imap;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A loopback TCP proxy in front of an IMAP server, for tests: it counts the commands clients send
 * (by name, such as "UID FETCH"), can hide capabilities from the CAPABILITY lists (and "\*" from
 * PERMANENTFLAGS, to hide keyword support), can cut every connection and refuse new ones.
 */
final class ImapProxy implements AutoCloseable {
  private final int target;
  private final Set<String> hidden;
  private final ServerSocket server;
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final List<String> commandLines = new CopyOnWriteArrayList<>();
  private final List<List<String>> perConnection = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean refusing;
  private volatile boolean ignoreRanges;
  private final Object stallLock = new Object();
  private volatile boolean stalled;
  private volatile boolean closed;

  /**
   * Hides {@code hidden} capabilities; "KEYWORDS" hides \* in PERMANENTFLAGS. COMPRESS=DEFLATE is
   * always hidden: this proxy reads the traffic line by line, which compression would make opaque.
   */
  ImapProxy(int targetPort, Set<String> hidden) throws IOException {
    this.target = targetPort;
    Set<String> h = new java.util.HashSet<>(hidden);
    h.add("COMPRESS=DEFLATE");
    this.hidden = Set.copyOf(h);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "imap-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** How many commands named {@code name} (for example "UID FETCH") clients sent. */
  int count(String name) {
    AtomicInteger c = counts.get(name.toUpperCase(Locale.ROOT));
    return c == null ? 0 : c.get();
  }

  void resetCounts() {
    counts.clear();
    commandLines.clear();
    for (List<String> c : perConnection) {
      c.clear();
    }
  }

  /**
   * The commands clients sent, in order, without their tags: "NAME arguments" (arguments of LOGIN and
   * AUTHENTICATE are left out, and continuation lines are not listed).
   */
  List<String> commands() {
    return List.copyOf(commandLines);
  }

  /**
   * The same commands per client connection, in the order the connections were accepted (since the
   * last {@link #resetCounts()}; a connection accepted before it keeps its place with the commands
   * it sent since).
   */
  List<List<String>> commandsByConnection() {
    return perConnection.stream().map(List::copyOf).toList();
  }

  /** Closes every open connection. */
  void cutAll() {
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
    open.clear();
  }

  /** While true, new connections are closed at once. */
  void refuse(boolean refuse) {
    this.refusing = refuse;
  }

  /** While true, partial ranges ({@code <offset.size>}) are removed from BODY fetches, as a server ignoring them. */
  void ignorePartialRanges(boolean ignore) {
    this.ignoreRanges = ignore;
  }

  /** While true, nothing the server sends reaches the clients (a hung server or network). */
  void stall(boolean stall) {
    synchronized (stallLock) {
      this.stalled = stall;
      stallLock.notifyAll();
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        if (refusing) {
          client.close();
          continue;
        }
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        open.add(client);
        open.add(upstream);
        List<String> mine = new CopyOnWriteArrayList<>();
        perConnection.add(mine);
        pump(client.getInputStream(), upstream.getOutputStream(), mine, client, upstream);
        pump(upstream.getInputStream(), client.getOutputStream(), null, client, upstream);
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  /** Copies one direction; {@code lines} is where a client connection's commands go, null for the server side. */
  private void pump(InputStream in, OutputStream out, @Nullable List<String> lines, Socket a, Socket b) {
    boolean fromClient = lines != null;
    Thread t = new Thread(() -> {
      try (InputStream bin = new BufferedInputStream(in, 65536)) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = bin.read()) >= 0) {
          line.write(c);
          if (c == '\n' || line.size() >= 65536) {
            byte[] bytes = line.toByteArray();
            line.reset();
            if (!fromClient) {
              synchronized (stallLock) {
                while (stalled && !closed) {
                  try {
                    stallLock.wait(); // woken by stall(false) or close()
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              }
            }
            out.write(lines != null ? rewrite(countCommand(bytes, lines)) : filter(bytes));
            if (bin.available() == 0) {
              out.flush();
            }
          }
        }
      } catch (IOException e) {
        // connection ended
      } finally {
        close(a);
        close(b);
      }
    }, "imap-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private byte[] countCommand(byte[] line, List<String> lines) {
    String s = new String(line, StandardCharsets.ISO_8859_1).trim();
    String[] f = s.split(" ", 4);
    if (f.length >= 2 && f[0].matches("[A-Za-z0-9]+")) {
      String cmd = f[1].toUpperCase(Locale.ROOT);
      if (cmd.equals("UID") && f.length >= 3) {
        cmd = "UID " + f[2].toUpperCase(Locale.ROOT);
      }
      counts.computeIfAbsent(cmd, k -> new AtomicInteger()).incrementAndGet();
      boolean secret = cmd.equals("LOGIN") || cmd.equals("AUTHENTICATE");
      String text = secret ? cmd : s.substring(f[0].length() + 1);
      commandLines.add(text);
      lines.add(text);
      Await.signal();
    }
    return line;
  }

  private byte[] rewrite(byte[] line) {
    if (!ignoreRanges) {
      return line;
    }
    String s = new String(line, StandardCharsets.ISO_8859_1);
    String r = s.replaceAll("(BODY\\.PEEK\\[[^\\]]*\\])<\\d+\\.\\d+>", "$1");
    return r.equals(s) ? line : r.getBytes(StandardCharsets.ISO_8859_1);
  }

  private byte[] filter(byte[] line) {
    if (hidden.isEmpty()) {
      return line;
    }
    String s = new String(line, StandardCharsets.ISO_8859_1);
    if (!(s.startsWith("*") || s.matches("(?s)^[A-Za-z0-9]+ OK.*")) || !(s.contains("CAPABILITY") || s.contains("PERMANENTFLAGS"))) {
      return line;
    }
    for (String h : hidden) {
      if (h.equals("KEYWORDS")) {
        s = s.replace(" \\*", "").replace("(\\*", "(");
      } else {
        s = s.replaceAll("(?i) " + java.util.regex.Pattern.quote(h) + "(?=[ \\]\\r\\n])", "");
      }
    }
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (stallLock) {
      stallLock.notifyAll();
    }
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    cutAll();
  }
}
