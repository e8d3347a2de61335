package dev.satchel.mail.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A tiny loopback TCP server for proxy tests: runs a handler per accepted connection on a daemon thread. */
final class LoopbackServer implements AutoCloseable {
  interface Handler {
    void handle(Socket socket) throws IOException;
  }

  private final ServerSocket listener;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  final AtomicInteger accepted = new AtomicInteger();

  LoopbackServer(Handler handler) {
    try {
      listener = new ServerSocket();
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread t = new Thread(() -> {
      while (!listener.isClosed()) {
        try {
          Socket s = listener.accept();
          accepted.incrementAndGet();
          sockets.add(s);
          Thread h = new Thread(() -> {
            try (s) {
              handler.handle(s);
            } catch (IOException e) {
              // connection ended
            }
          });
          h.setDaemon(true);
          h.start();
        } catch (IOException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
