package dev.satchel.mail.internal;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailException;
import dev.satchel.mail.Server;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FolderClosedException;
import jakarta.mail.FolderNotFoundException;
import jakarta.mail.MessagingException;
import jakarta.mail.StoreClosedException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.jspecify.annotations.Nullable;

/**
 * The one place where Jakarta Mail's {@link MessagingException} (and the I/O errors inside it)
 * become a {@link MailException}.
 *
 * <p>Messages name the server and what to check; they never contain a secret: server text they
 * repeat, and the messages of the causes they carry, have every {@linkplain Secrets registered}
 * secret redacted. Protocol modules call {@link #translate} and throw what it returns.
 *
 * <p>Text taken from a cause is put in Satchel's words first: Angus's own phrasing (its synthetic
 * {@code "* BYE Jakarta Mail Exception: java.io.IOException: Connection dropped by server?"}, Java
 * class names in front of a message) never reaches a Satchel exception's message; the cause keeps it.
 */
public final class MailExceptions {
  /** What reading an attachment or inline part says when its mailbox was closed first. */
  public static final String PART_AFTER_CLOSE = "the mailbox was closed before this part was read; read attachments"
      + " before close()";

  /** What reading a stream from {@code openRaw} says when its mailbox was closed first. */
  public static final String RAW_AFTER_CLOSE = "the mailbox was closed before this message was read; read the stream"
      + " from openRaw before close()";

  /** Angus's synthetic BYE for a dropped connection, up to the exception it carries. */
  private static final Pattern ANGUS_BYE =
      Pattern.compile("(?:\\*\\s*)?(?:BYE\\s+)?Jakarta\\s*Mail\\s*Exception:?\\s*", Pattern.CASE_INSENSITIVE);
  /** A Java class name in front of a message, as {@code Throwable.toString()} writes it. */
  private static final Pattern CLASS_PREFIX =
      Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error):\\s*");
  /** Angus's text for a connection the server closed (end of stream while reading an answer). */
  private static final Pattern ANGUS_DROPPED = Pattern.compile("Connection dropped by server\\??", Pattern.CASE_INSENSITIVE);

  private MailExceptions() {}


  /**
   * Translates a failure of {@code operation} against {@code server}.
   *
   * @param operation what was attempted, in words, for example {@code "list INBOX"}
   * @param server the server it was attempted on
   * @param e the failure
   * @return the exception to throw
   */
  public static MailException translate(String operation, Server server, Exception e) {
    if (e instanceof MailException me) {
      return me;
    }
    VirtualMachineError fatal = vmError(e);
    if (fatal != null) {
      // The JVM itself failed (out of memory, stack overflow) while Angus was working: that is not
      // the server's answer and must not be reported as one. Server-caused sizes are refused before
      // allocation by the socket guards (WireLimits).
      throw fatal;
    }
    Throwable cause = Secrets.scrub(e);
    String limit = limitExceeded(e);
    if (limit != null) {
      return new MailConnectionException(operation + " failed: " + server + " sent more than Satchel accepts, so the"
          + " connection was closed: " + limit, cause);
    }
    Throwable io = ioCause(e);
    if (e instanceof AuthenticationFailedException afe) {
      // Angus reports an I/O failure during AUTH (a stalled or dropped answer) as an authentication
      // failure carrying the I/O error: that is the connection, not the credentials.
      return io != null ? connectionFailure(operation, server, io, e) : authenticationFailed(server, afe.getMessage(), afe);
    }
    if (io != null) {
      return connectionFailure(operation, server, io, e);
    }
    if (hasConnectionExceptionCause(e)) {
      return new MailConnectionException(operation + " failed: the connection to " + server + " was lost or could not be"
          + " opened" + detail(e.getMessage()), cause);
    }
    if (e instanceof FolderClosedException || e instanceof StoreClosedException) {
      return new MailConnectionException(operation + " failed: the connection to " + server + " was closed by the server"
          + detail(e.getMessage()), cause);
    }
    if (e instanceof FolderNotFoundException) {
      return new MailCommandException(operation, "folder does not exist" + detail(e.getMessage()), cause);
    }
    if (e instanceof MessagingException) {
      String msg = e.getMessage();
      // Angus's SMTP and POP3 say the first, its IMAP the second.
      if (msg != null && (msg.contains("STARTTLS is required but host does not support STARTTLS")
          || msg.contains("STARTTLS required but not supported by server"))) {
        return new MailConnectionException(operation + " failed: " + server + " does not offer STARTTLS, and STARTTLS is"
            + " required, so the connection was closed before any credential was sent. Use Security.TLS on the"
            + " implicit-TLS port, or check that this is the right server", cause);
      }
      if (msg != null && looksLikeConnectionLoss(msg)) {
        return new MailConnectionException(operation + " failed: the connection to " + server + " was lost" + detail(msg), cause);
      }
      return new MailCommandException(operation, msg == null ? "" : ownWords(Secrets.redact(msg.strip())), cause);
    }
    if (e instanceof IOException) {
      return connectionFailure(operation, server, e, e);
    }
    // Angus lets parsing errors of malformed server answers escape as unchecked exceptions
    // (NumberFormatException, NoSuchElementException, IndexOutOfBoundsException, ...): the session is
    // no longer in a known state.
    return new MailConnectionException(operation + " failed: " + server + " sent an answer that could not be understood ("
        + e.getClass().getSimpleName() + detail(e.getMessage()) + "); the connection cannot be used further", cause);
  }

  /**
   * Translates a failure while connecting (greeting, capabilities, TLS, login) to {@code server}. Like
   * {@link #translate}, except that there is no session to go on with: what {@code translate} would
   * call a refused command (for example a garbage or negative greeting) is a
   * {@link MailConnectionException} here. Authentication failures stay
   * {@link MailAuthenticationException}.
   *
   * @param e the failure
   * @return the exception to throw
   */
  public static MailException translateConnect(Server server, Exception e) {
    MailException translated = translate("connect", server, e);
    if (translated instanceof MailCommandException) {
      return new MailConnectionException("connect to " + server + " failed: the server's greeting or its answer while"
          + " connecting was refused or could not be understood" + detail(e.getMessage()) + "; check that the port is"
          + " the " + server.protocol() + " port", Secrets.scrub(e));
    }
    return translated;
  }

  /**
   * An OAuth2 login the server refused twice (the token, then a freshly asked one), saying what to
   * check for a token rather than a password, and never the token.
   */
  public static MailAuthenticationException oauth2LoginRefused(Server server, @Nullable String serverText) {
    return new MailAuthenticationException("login to " + server + " with an OAuth2 token was refused" + detail(serverText)
        + ", also with a fresh token from the token source. Check that the token was issued for this login name (the"
        + " mailbox's address), that its scopes cover " + server.protocol() + " (for example"
        + " https://outlook.office.com/" + scopeExample(server.protocol()) + " or https://mail.google.com/), and that the"
        + " account allows " + server.protocol() + " access", null);
  }

  private static String scopeExample(dev.satchel.mail.Protocol protocol) {
    return switch (protocol) {
      case IMAP -> "IMAP.AccessAsUser.All";
      case POP3 -> "POP.AccessAsUser.All";
      case SMTP -> "SMTP.Send";
    };
  }

  /** An authentication failure, saying what to check and never the secret. */
  public static MailAuthenticationException authenticationFailed(Server server, @Nullable String serverText, @Nullable Throwable cause) {
    return new MailAuthenticationException("login to " + server + " was refused" + detail(serverText)
        + (server.protocol() == dev.satchel.mail.Protocol.SMTP
            ? ". Check the username and password; many providers need an app password or OAuth2 (check the token's"
              + " scope allows sending), and some need SMTP AUTH to be enabled for the account first"
            : ". Check the username and password; many providers need an app password or OAuth2, and some need IMAP/POP"
              + " to be enabled in the account's web settings first"), Secrets.scrub(cause));
  }

  private static MailConnectionException connectionFailure(String operation, Server server, Throwable io, Exception outer) {
    String what;
    if (io instanceof dev.satchel.mail.internal.wire.DeadlineExceededException) {
      what = server + ": " + io.getMessage() + "; raise the operation deadline if the server is just slow";
    } else if (io instanceof SocketTimeoutException || io instanceof InterruptedIOException) {
      what = "timed out waiting for " + server + "; check the host, port and firewall, or raise the timeout in MailSettings";
    } else if (io instanceof ConnectException) {
      what = "could not connect to " + server + " (connection refused); check the host and port";
    } else if (io instanceof UnknownHostException) {
      what = "unknown host " + server.host() + "; check the host name";
    } else if (io instanceof NoRouteToHostException) {
      what = "no route to " + server + "; check the network";
    } else if (io instanceof SSLHandshakeException) {
      what = "TLS handshake with " + server + " failed: the certificate is not trusted or does not match the host name"
          + detail(io.getMessage()) + "; for a self-signed server use TlsOptions.trusting(...)";
    } else if (io instanceof SSLException) {
      what = "TLS failed with " + server + detail(io.getMessage()) + "; check that the port expects " + server.security();
    } else if (io instanceof SocketException) {
      what = "the connection to " + server + " was lost" + detail(io.getMessage());
    } else {
      what = "I/O error talking to " + server + detail(io.getMessage());
    }
    return new MailConnectionException(operation + " failed: " + what, Secrets.scrub(outer));
  }

  /** A {@link VirtualMachineError} in the cause chain (Angus wraps some), or null. */
  static @Nullable VirtualMachineError vmError(Throwable e) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < 20; depth++) {
      if (t instanceof VirtualMachineError v) {
        return v;
      }
      Throwable next = t instanceof MessagingException me && me.getNextException() != null ? me.getNextException() : t.getCause();
      if (next == t) {
        break;
      }
      t = next;
    }
    return null;
  }

  /** The first I/O exception in the cause chain (Angus wraps them in several layers). */
  static @Nullable Throwable ioCause(Throwable e) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < 10; depth++) {
      if (t instanceof IOException) {
        return t;
      }
      Throwable next = t instanceof MessagingException me && me.getNextException() != null ? me.getNextException() : t.getCause();
      if (next == t) {
        break;
      }
      t = next;
    }
    return null;
  }

  /**
   * The message of a {@link ServerLimitException} behind {@code e}, or null. Angus's IMAP layer turns
   * the I/O error into a synthetic {@code * BYE} response and keeps only its text (for example in a
   * {@code FolderClosedException}), so the text is looked for in the messages too.
   */
  static @Nullable String limitExceeded(Throwable e) {
    String marker = ServerLimitException.class.getName() + ": ";
    Throwable t = e;
    for (int depth = 0; t != null && depth < 10; depth++) {
      if (t instanceof ServerLimitException sle) {
        return sle.getMessage();
      }
      String m = t.getMessage();
      int at = m == null ? -1 : m.indexOf(marker);
      if (m != null && at >= 0) {
        return m.substring(at + marker.length()).strip();
      }
      Throwable next = t instanceof MessagingException me && me.getNextException() != null ? me.getNextException() : t.getCause();
      if (next == t) {
        break;
      }
      t = next;
    }
    return null;
  }

  /**
   * True when Angus's IMAP layer reported a connection failure: its {@code iap.ConnectionException}
   * (a BYE, a garbage greeting, or a new connection that could not be opened, whose I/O cause Angus
   * drops). Matched by name: mail-core does not depend on Angus's imap artifact.
   */
  private static boolean hasConnectionExceptionCause(Throwable e) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < 10; depth++) {
      if (t.getClass().getName().equals("org.eclipse.angus.mail.iap.ConnectionException")) {
        return true;
      }
      Throwable next = t instanceof MessagingException me && me.getNextException() != null ? me.getNextException() : t.getCause();
      if (next == t) {
        break;
      }
      t = next;
    }
    return false;
  }

  private static boolean looksLikeConnectionLoss(String msg) {
    String m = msg.toLowerCase(java.util.Locale.ROOT);
    return m.contains("connection dropped") || m.contains("connection reset") || m.contains("socket closed")
        || m.contains("* bye") || m.contains("connection is closed") || m.contains("not connected")
        || m.contains("broken pipe");
  }

  private static String detail(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return "";
    }
    String t = ownWords(Secrets.redact(text.strip()));
    if (t.isEmpty()) {
      return "";
    }
    if (t.length() > 300) {
      t = t.substring(0, 300) + "...";
    }
    return " (" + t + ")";
  }

  /**
   * {@code text} in Satchel's words: Angus's synthetic {@code "* BYE Jakarta Mail Exception: ..."}
   * prefix and Java class names in front of messages removed, and its {@code "Connection dropped by
   * server?"} said plainly. Empty when nothing is left.
   */
  static String ownWords(String text) {
    String t = ANGUS_BYE.matcher(text).replaceAll("");
    t = CLASS_PREFIX.matcher(t).replaceAll("");
    t = ANGUS_DROPPED.matcher(t).replaceAll("the server closed the connection");
    return t.strip();
  }
}
