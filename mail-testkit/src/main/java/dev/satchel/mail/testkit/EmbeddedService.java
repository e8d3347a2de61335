package dev.satchel.mail.testkit;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.server.ProtocolHandler;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GreenMail service (SMTP, IMAP or POP3, plain or TLS) with two changes to how it serves
 * connections.
 *
 * <p><b>TCP_NODELAY.</b> GreenMail writes and flushes every response line on its own. With Nagle's
 * algorithm on, the second small segment waits for the client's acknowledgement of the first, which
 * the client delays by up to 40 ms on Linux: a multi-line IMAP answer took 40-90 ms on loopback. Every
 * accepted connection gets TCP_NODELAY, as a real server's would.
 *
 * <p><b>Ended connections.</b> GreenMail's handlers throw an {@link IllegalStateException} when the
 * client's connection breaks (a reset, a broken pipe, a fault proxy that cuts it), and the handler
 * thread prints it as an uncaught stack trace. Here the thread ends quietly, with a DEBUG line from
 * this class's logger ({@code dev.satchel.mail.testkit.EmbeddedService}; the exception itself at
 * TRACE, as GreenMail's text may quote message content), when the exception says the connection
 * ended: an {@link IOException} among its causes, or GreenMail 2.1's "Unexpected end of stream" (the
 * client's stream ended inside SMTP {@code DATA} or an IMAP literal). Any other exception (a fault of
 * the server itself) is rethrown unchanged.
 */
final class EmbeddedService extends AbstractServer {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedService.class);
  /** How GreenMail 2.1 starts the message of the exception for a stream that ended inside SMTP DATA or an IMAP literal. */
  private static final String END_OF_STREAM = "Unexpected end of stream";

  /** Makes GreenMail's protocol handler for one accepted connection. */
  @FunctionalInterface
  interface HandlerFactory {
    ProtocolHandler create(Socket socket);
  }

  private final HandlerFactory handlers;

  EmbeddedService(ServerSetup setup, Managers managers, HandlerFactory handlers) {
    super(setup, managers);
    this.handlers = handlers;
  }

  @Override
  protected void handleClientSocket(Socket clientSocket) throws SocketException {
    clientSocket.setTcpNoDelay(true);
    super.handleClientSocket(clientSocket);
  }

  @Override
  protected ProtocolHandler createProtocolHandler(Socket clientSocket) {
    ProtocolHandler handler = handlers.create(clientSocket);
    return new ProtocolHandler() {
      @Override
      public void run() {
        try {
          handler.run();
        } catch (RuntimeException e) {
          String reason = connectionEnded(e);
          if (reason == null) {
            throw e;
          }
          LOG.debug("{}: the connection ended: {}", Thread.currentThread().getName(), reason);
          LOG.trace("{}: what GreenMail threw", Thread.currentThread().getName(), e);
        }
      }

      @Override
      public void close() {
        handler.close();
      }
    };
  }

  /**
   * Why {@code e} means that the client's connection ended (an {@link IOException} among its causes,
   * or GreenMail's "Unexpected end of stream"), or null when it does not.
   */
  static @Nullable String connectionEnded(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return t.toString();
      }
      String message = t.getMessage();
      if (message != null && message.startsWith(END_OF_STREAM)) {
        return "the client's stream ended in the middle of a command";
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
