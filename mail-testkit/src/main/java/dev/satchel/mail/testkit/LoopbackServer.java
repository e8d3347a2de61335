package dev.satchel.mail.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP server on 127.0.0.1 with a port picked by the operating system that hands every accepted
 * connection to a {@link SessionHandler} on a daemon thread of its own: the base of small scripted
 * fake servers (a server that sends a malformed answer, never offers STARTTLS, rejects one
 * recipient, ...).
 *
 * <pre>{@code
 * try (LoopbackServer fake = LoopbackServer.start("no-starttls-smtp", socket -> {
 *   socket.getOutputStream().write("220 fake ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
 *   ...
 * })) {
 *   MailSettings settings = ...server(Protocol.SMTP, "127.0.0.1", fake.port(), Security.STARTTLS)...;
 * }
 * }</pre>
 *
 * <p>Each connection gets a 10-second read timeout before the handler runs (the handler may change
 * it) and is closed when the handler returns or throws; an {@link IOException} from the handler ends
 * that connection only. {@link #close()} stops accepting and closes every open connection; it is
 * idempotent. Thread-safe.
 */
public final class LoopbackServer implements AutoCloseable {
  /** Serves one accepted connection. Called on a thread of its own for each connection. */
  @FunctionalInterface
  public interface SessionHandler {
    /**
     * Speaks the protocol on {@code socket}; returning (or throwing) ends the connection.
     *
     * @throws IOException when the connection fails; it is closed and the server goes on
     */
    void serve(Socket socket) throws IOException;
  }

  private final ServerSocket listener;
  private final String name;
  private final SessionHandler handler;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

  private LoopbackServer(String name, SessionHandler handler) throws IOException {
    this.name = name;
    this.handler = handler;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  /**
   * Starts a server that hands each connection to {@code handler}.
   *
   * @param name names the server's threads, for thread dumps
   * @throws IOException when no loopback port can be bound
   */
  public static LoopbackServer start(String name, SessionHandler handler) throws IOException {
    LoopbackServer server = new LoopbackServer(name, handler);
    Thread t = new Thread(server::acceptLoop, name);
    t.setDaemon(true);
    t.start();
    return server;
  }

  /** The bound port on 127.0.0.1. */
  public int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket s;
      try {
        s = listener.accept();
      } catch (IOException e) {
        return;
      }
      sockets.add(s);
      Thread t = new Thread(() -> serve(s), name + "-session");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(10_000);
      handler.serve(s);
    } catch (IOException e) {
      // the connection failed or the client went away: this session ends, the server goes on
    } finally {
      sockets.remove(s);
    }
  }

  /** Stops accepting and closes every open connection. Idempotent; never throws. */
  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // closing is best effort
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing is best effort
      }
    }
  }
}
