package dev.satchel.mail.internal;

import dev.satchel.mail.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * Socket factories whose sockets guard what the server sends against {@link WireLimits}, for the
 * factories Satchel hands to Angus Mail ({@code mail.<protocol>.socketFactory} and
 * {@code mail.<protocol>.ssl.socketFactory}, see {@link AngusSessions}). Each socket gets its own
 * {@link ImapResponseGuard} or {@link Pop3ResponseGuard}; a STARTTLS upgrade
 * ({@link SSLSocketFactory#createSocket(Socket, String, int, boolean)} over a guarded socket) moves
 * that guard to the TLS socket. TLS sockets stay {@link SSLSocket}s ({@link GuardedSslSocket}), so
 * Angus's host name check and protocol settings apply unchanged; the TLS work itself is always done
 * by the factory passed in, with its trust: there is no other factory to fall back to.
 *
 * <p>A patch until Satchel reads the protocols itself: see "The wire layer" in the design notes.
 * Factories are thread-safe and hold no state.
 */
public final class GuardedSockets {
  private GuardedSockets() {}

  /** Whether sockets for {@code protocol} are guarded (IMAP and POP3; SMTP answers are not buffered whole). */
  public static boolean guards(Protocol protocol) {
    return protocol == Protocol.IMAP || protocol == Protocol.POP3;
  }

  /** A factory for plain sockets (used as such, or before STARTTLS) for {@code protocol}. */
  public static SocketFactory plain(Protocol protocol, WireLimits limits) {
    return new Plain(protocol, limits);
  }

  /** A factory for TLS sockets made by {@code tls}, for {@code protocol}. */
  public static SSLSocketFactory tls(SSLSocketFactory tls, Protocol protocol, WireLimits limits) {
    return new Tls(tls, protocol, limits);
  }

  static ResponseGuard guard(Protocol protocol, WireLimits limits) {
    return switch (protocol) {
      case IMAP -> new ImapResponseGuard(limits);
      case POP3 -> new Pop3ResponseGuard(limits);
      case SMTP -> throw new IllegalArgumentException("SMTP sockets are not guarded");
    };
  }

  /** A plain socket whose streams are guarded. */
  static final class GuardedSocket extends Socket {
    private final GuardedStreams.Lazy streams;

    GuardedSocket(ResponseGuard guard) {
      this.streams = new GuardedStreams.Lazy(new GuardedStreams.RawStreams() {
        @Override
        public InputStream input() throws IOException {
          return GuardedSocket.super.getInputStream();
        }

        @Override
        public OutputStream output() throws IOException {
          return GuardedSocket.super.getOutputStream();
        }
      }, guard);
    }

    @Override
    public InputStream getInputStream() throws IOException {
      return streams.input();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      return streams.output();
    }
  }

  private static final class Plain extends SocketFactory {
    private final Protocol protocol;
    private final WireLimits limits;

    Plain(Protocol protocol, WireLimits limits) {
      this.protocol = protocol;
      this.limits = limits;
    }

    @Override
    public Socket createSocket() {
      return new GuardedSocket(guard(protocol, limits));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return connected(createSocket(), new InetSocketAddress(host, port), null, 0);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return connected(createSocket(), new InetSocketAddress(host, port), localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return connected(createSocket(), new InetSocketAddress(host, port), null, 0);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return connected(createSocket(), new InetSocketAddress(address, port), localAddress, localPort);
    }

    private static Socket connected(Socket s, InetSocketAddress to, @Nullable InetAddress local, int localPort)
        throws IOException {
      try {
        if (local != null) {
          s.bind(new InetSocketAddress(local, localPort));
        }
        s.connect(to);
        return s;
      } catch (IOException | RuntimeException e) {
        s.close();
        throw e;
      }
    }
  }

  private static final class Tls extends SSLSocketFactory {
    private final SSLSocketFactory d;
    private final Protocol protocol;
    private final WireLimits limits;

    Tls(SSLSocketFactory d, Protocol protocol, WireLimits limits) {
      this.d = d;
      this.protocol = protocol;
      this.limits = limits;
    }

    private SSLSocket guarded(Socket s, @Nullable ResponseGuard guard) {
      return new GuardedSslSocket((SSLSocket) s, guard == null ? guard(protocol, limits) : guard);
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return d.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return d.getSupportedCipherSuites();
    }

    /** TLS over {@code s}: implicit TLS over a fresh socket, or STARTTLS over a guarded one. */
    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
      GuardedStreams under = GuardedStreams.of(s.getInputStream());
      ResponseGuard guard = null;
      if (under != null) {
        under.passThrough();
        guard = under.guard();
      }
      return guarded(d.createSocket(s, host, port, autoClose), guard);
    }

    @Override
    public Socket createSocket() throws IOException {
      return guarded(d.createSocket(), null);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return guarded(d.createSocket(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return guarded(d.createSocket(host, port, localHost, localPort), null);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return guarded(d.createSocket(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return guarded(d.createSocket(address, port, localAddress, localPort), null);
    }
  }
}
