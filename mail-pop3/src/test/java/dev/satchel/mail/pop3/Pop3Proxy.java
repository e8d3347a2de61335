package dev.satchel.mail.pop3;

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
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A small loopback TCP proxy for POP3 tests: counts the commands clients send, rewrites the CAPA
 * answer, and cuts every connection on demand (before a chosen command reaches the server, or after a
 * few bytes of a RETR answer). Plaintext only. Not the testkit's fault proxy, which comes later.
 */
final class Pop3Proxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int upstreamPort;
  private final List<String> commands = new CopyOnWriteArrayList<>();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile Predicate<String> cutBefore = c -> false;
  private volatile int cutRetrAfterBytes = -1;
  private volatile Set<String> addCapa = Set.of();
  private volatile Set<String> removeCapa = Set.of();

  Pop3Proxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "pop3-proxy");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Verbs (upper case) of every command sent so far, AUTH continuation lines excluded. */
  List<String> commands() {
    return List.copyOf(commands);
  }

  long count(String verb) {
    return commands.stream().filter(verb::equals).count();
  }

  void resetCounts() {
    commands.clear();
  }

  /** Cuts all connections when a client sends a command line matching (before it is forwarded). */
  void cutBefore(Predicate<String> commandLine) {
    this.cutBefore = commandLine;
  }

  /** Cuts all connections after forwarding this many bytes of the next RETR answer; -1 = never. */
  void cutRetrAfter(int bytes) {
    this.cutRetrAfterBytes = bytes;
  }

  void capa(Set<String> add, Set<String> remove) {
    this.addCapa = add;
    this.removeCapa = remove;
  }

  /** No more faults. */
  void heal() {
    cutBefore = c -> false;
    cutRetrAfterBytes = -1;
  }

  /** Cuts every open connection now. */
  void cutAll() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        sockets.add(client);
        sockets.add(server);
        Session session = new Session(client, server);
        start(session::clientToServer);
        start(session::serverToClient);
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void start(Runnable r) {
    Thread t = new Thread(r, "pop3-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    cutAll();
  }

  private final class Session {
    private final Socket client;
    private final Socket server;
    private volatile String lastVerb = "";

    Session(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void clientToServer() {
      try (InputStream in = new BufferedInputStream(client.getInputStream()); OutputStream out = server.getOutputStream()) {
        byte[] line;
        boolean inAuth = false;
        while ((line = readLine(in)) != null) {
          String text = new String(line, StandardCharsets.ISO_8859_1).stripTrailing();
          String verb = text.split(" ", 2)[0].toUpperCase(Locale.ROOT);
          boolean isCommand = !inAuth;
          if (isCommand) {
            if (cutBefore.test(text.toUpperCase(Locale.ROOT))) {
              cutAll();
              return;
            }
            commands.add(verb);
            lastVerb = verb;
            inAuth = verb.equals("AUTH") && text.split(" ").length == 2;
          } else {
            inAuth = false;
          }
          out.write(line);
          out.flush();
        }
      } catch (IOException e) {
        // cut or closed
      } finally {
        closeBoth();
      }
    }

    void serverToClient() {
      try (InputStream in = new BufferedInputStream(server.getInputStream()); OutputStream out = client.getOutputStream()) {
        byte[] line;
        boolean inCapa = false;
        int retrBytes = 0;
        boolean inRetr = false;
        while ((line = readLine(in)) != null) {
          String text = new String(line, StandardCharsets.ISO_8859_1).stripTrailing();
          if (text.startsWith("+OK") && lastVerb.equals("CAPA") && !inCapa) {
            inCapa = true;
            out.write(line);
            List<String> extra = new ArrayList<>(addCapa);
            for (String e : extra) {
              out.write((e + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            continue;
          }
          if (inCapa) {
            if (text.equals(".")) {
              inCapa = false;
            } else if (removeCapa.contains(text.split(" ")[0].toUpperCase(Locale.ROOT))
                || addCapa.contains(text.split(" ")[0].toUpperCase(Locale.ROOT))) {
              continue;
            }
          }
          if (text.startsWith("+OK") && lastVerb.equals("RETR")) {
            inRetr = true;
            retrBytes = 0;
          }
          if (inRetr && cutRetrAfterBytes >= 0) {
            retrBytes += line.length;
            if (retrBytes > cutRetrAfterBytes) {
              out.write(line, 0, Math.max(0, line.length - (retrBytes - cutRetrAfterBytes)));
              out.flush();
              cutAll();
              return;
            }
          }
          if (inRetr && text.equals(".")) {
            inRetr = false;
          }
          out.write(line);
          out.flush();
        }
      } catch (IOException e) {
        // cut or closed
      } finally {
        closeBoth();
      }
    }

    private void closeBoth() {
      try {
        client.close();
        server.close();
      } catch (IOException ignored) {
        // closing
      }
      sockets.remove(client);
      sockets.remove(server);
    }
  }

  /** One line including its CRLF, or null at end of stream. */
  private static byte[] readLine(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(80);
    int b;
    while ((b = in.read()) >= 0) {
      buf.write(b);
      if (b == '\n') {
        return buf.toByteArray();
      }
    }
    return buf.size() == 0 ? null : buf.toByteArray();
  }
}
