package dev.satchel.mail.imap;

import dev.satchel.mail.Security;
import dev.satchel.mail.Server;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Socket factories that remember the sockets they made, so that a watch can cut its connection at
 * once: to stop, or when the server stopped answering. Thread-safe.
 */
final class RecordingSockets {
  private final List<Socket> sockets = new ArrayList<>();

  /** Puts recording factories into {@code props} for protocol prefix {@code p} ("mail.imap."). */
  void install(Properties props, String p, Server server, Properties base) {
    if (server.security() == Security.TLS) {
      // always set by AngusSessions, with the settings' trust: never fall back to the JDK's default
      if (!(base.get(p + "ssl.socketFactory") instanceof SSLSocketFactory delegate)) {
        throw new IllegalStateException("no TLS socket factory in the session properties for " + server);
      }
      props.put(p + "ssl.socketFactory", new Ssl(delegate));
    } else {
      // AngusSessions' guarded factory (see GuardedSockets), so that recorded sockets are guarded too
      Object plain = base.get(p + "socketFactory");
      props.put(p + "socketFactory", new Plain(plain instanceof SocketFactory f ? f : SocketFactory.getDefault()));
    }
  }

  private Socket record(Socket s) {
    synchronized (sockets) {
      sockets.removeIf(Socket::isClosed);
      sockets.add(s);
    }
    return s;
  }

  /** Closes every socket made so far. */
  void closeAll() {
    List<Socket> copy;
    synchronized (sockets) {
      copy = new ArrayList<>(sockets);
      sockets.clear();
    }
    for (Socket s : copy) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already broken
      }
    }
  }

  private final class Plain extends SocketFactory {
    private final SocketFactory d;

    Plain(SocketFactory d) {
      this.d = d;
    }

    @Override
    public Socket createSocket() throws IOException {
      return record(d.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return record(d.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return record(d.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return record(d.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return record(d.createSocket(address, port, localAddress, localPort));
    }
  }

  private final class Ssl extends SSLSocketFactory {
    private final SSLSocketFactory d;

    Ssl(SSLSocketFactory d) {
      this.d = d;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return d.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return d.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
      record(s);
      return record(d.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket() throws IOException {
      return record(d.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return record(d.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return record(d.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return record(d.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return record(d.createSocket(address, port, localAddress, localPort));
    }
  }
}
