package dev.satchel.mail.pop3;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Server;
import dev.satchel.mail.internal.AngusSessions;
import dev.satchel.mail.internal.MailExceptions;
import dev.satchel.mail.internal.OAuth2Tokens;
import dev.satchel.mail.internal.Secrets;
import dev.satchel.mail.spi.MailboxConnector;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.util.Locale;
import java.util.Properties;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.eclipse.angus.mail.pop3.POP3Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens POP3 {@link Mailbox} sessions over Angus Mail's pop3 provider; found through
 * {@link java.util.ServiceLoader}, used by {@code Mailbox.connect(settings)}.
 *
 * <p>Security as in the settings: implicit TLS, STARTTLS (the server must offer STLS, or the
 * connection fails; never a plaintext fallback) or plaintext. Host names are always verified.
 * Passwords log in with SASL PLAIN when the server offers it and USER/PASS otherwise; OAuth2
 * credentials use SASL XOAUTH2 with a token asked of the token source on every connect (and once
 * more, forcing a refresh, when the server rejects it).
 *
 * <p>Thread-safe and stateless: every {@link #connect} opens a new session.
 */
public final class Pop3Connector implements MailboxConnector {
  private static final Logger LOG = LoggerFactory.getLogger(Pop3Connector.class);

  /** Creates the connector; called by {@link java.util.ServiceLoader}. */
  public Pop3Connector() {}

  @Override
  public Protocol protocol() {
    return Protocol.POP3;
  }

  /**
   * Connects, secures the connection, logs in and opens the maildrop.
   *
   * @throws IllegalArgumentException when the settings are not for POP3
   * @throws MailConnectionException when the server cannot be reached, TLS fails or STLS is missing
   *     under {@link Security#STARTTLS}
   * @throws MailAuthenticationException when the server refuses the credentials
   */
  @Override
  public Mailbox connect(MailSettings settings) {
    if (settings.protocol() != Protocol.POP3) {
      throw new IllegalArgumentException("Pop3Connector needs POP3 settings, was " + settings.protocol());
    }
    Server server = settings.server();
    Credentials credentials = settings.credentials();
    if (credentials == null) {
      throw new IllegalArgumentException("POP3 settings need credentials");
    }
    String name = AngusSessions.protocolName(server);
    Properties extra = new Properties();
    String p = "mail." + name + ".";
    // A session that ends without an explicit expunge deletes nothing, even on servers that mark
    // messages deleted on RETR.
    extra.setProperty(p + "rsetbeforequit", "true");
    extra.setProperty(p + "finalizecleanclose", "false");
    // Stream every RETR to a per-session temporary file (deleted at close) instead of a byte array:
    // large messages must not sit whole in memory. See Pop3Mailbox.
    extra.setProperty(p + "filecache.enable", "true");
    if (credentials instanceof Credentials.OAuth2) {
      extra.setProperty(p + "auth.mechanisms", "XOAUTH2");
    } else {
      // In Angus's POP3 provider "LOGIN" is USER/PASS.
      extra.setProperty(p + "auth.mechanisms", "PLAIN LOGIN");
    }
    Session session = AngusSessions.session(settings, extra);
    POP3Store store;
    try {
      store = (POP3Store) session.getStore(name);
    } catch (MessagingException e) {
      throw new IllegalStateException("Angus Mail's POP3 provider is missing from the class path (org.eclipse.angus:pop3)", e);
    }
    Secrets.Registration secrets = login(store, settings, credentials);
    try {
      POP3Folder folder = (POP3Folder) store.getFolder("INBOX");
      folder.open(Folder.READ_WRITE);
      LOG.debug("connected to {} as {}", server, credentials.username());
      return new Pop3Mailbox(settings, store, folder, secrets);
    } catch (MessagingException | RuntimeException e) {
      closeQuietly(store);
      RuntimeException failure = MailExceptions.translateConnect(server, e);
      secrets.close();
      throw failure;
    }
  }

  /**
   * Logs in; the returned registration keeps the secret in use {@linkplain Secrets redacted} from
   * server text until the mailbox is closed. On failure it is closed after the exception was built.
   */
  private static Secrets.Registration login(POP3Store store, MailSettings settings, Credentials credentials) {
    Server server = settings.server();
    String user = credentials.username();
    if (credentials instanceof Credentials.Password password) {
      char[] secret = password.secret();
      String text = new String(secret);
      Secrets.Registration registration = Secrets.register(user, text);
      try {
        store.connect(server.host(), server.port(), user, text);
        return registration;
      } catch (MessagingException | RuntimeException e) {
        RuntimeException failure = loginFailure(server, e);
        registration.close();
        throw failure;
      } finally {
        java.util.Arrays.fill(secret, '\0');
      }
    }
    Credentials.OAuth2 oauth = (Credentials.OAuth2) credentials;
    String token = OAuth2Tokens.token(oauth, false, server);
    Secrets.Registration registration = Secrets.register(user, token);
    try {
      store.connect(server.host(), server.port(), user, token);
      return registration;
    } catch (MessagingException | RuntimeException first) {
      if (!(first instanceof AuthenticationFailedException) || isStlsFailure(first)) {
        RuntimeException failure = loginFailure(server, first);
        registration.close();
        throw failure;
      }
      LOG.debug("XOAUTH2 token rejected by {}; asking for a fresh one", server);
      String fresh = OAuth2Tokens.token(oauth, true, server);
      Secrets.Registration refreshed = Secrets.register(user, fresh);
      registration.close();
      try {
        store.connect(server.host(), server.port(), user, fresh);
        return refreshed;
      } catch (MessagingException | RuntimeException second) {
        RuntimeException failure = loginFailure(server, second);
        refreshed.close();
        throw failure;
      }
    }
  }

  private static RuntimeException loginFailure(Server server, Exception e) {
    if (isStlsFailure(e)) {
      return new MailConnectionException("connect to " + server + " failed: the server does not offer STLS (STARTTLS),"
          + " which these settings require; use Security.TLS on the POP3S port (usually 995) if the server has one."
          + " Satchel never falls back to plaintext", Secrets.scrub(e));
    }
    if (e instanceof AuthenticationFailedException afe && timedOut(afe)) {
      // Angus reports a read timeout while waiting for the greeting or a login answer as an
      // authentication failure carrying the I/O message.
      return new MailConnectionException("connect to " + server + " failed: timed out waiting for the server during"
          + " login; check the host, port and firewall, or raise the read timeout in MailSettings", Secrets.scrub(e));
    }
    if (e instanceof AuthenticationFailedException afe && isEof(afe)) {
      // Angus reports a connection closed during login as an authentication failure.
      return new MailConnectionException("connect to " + server + " failed: the server closed the connection during login",
          Secrets.scrub(e));
    }
    if (e instanceof AuthenticationFailedException afe) {
      return MailExceptions.authenticationFailed(server, afe.getMessage(), afe);
    }
    return MailExceptions.translateConnect(server, e);
  }

  private static boolean isEof(Exception e) {
    String m = e.getMessage();
    if (m == null) {
      return false;
    }
    String lower = m.toLowerCase(Locale.ROOT);
    return m.contains("EOF on socket") || m.contains("Connect failed") || lower.contains("connection reset")
        || lower.contains("socket closed") || lower.contains("broken pipe");
  }

  private static boolean timedOut(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.net.SocketTimeoutException) {
        return true;
      }
    }
    String m = e.getMessage();
    return m != null && m.toLowerCase(Locale.ROOT).contains("timed out");
  }

  private static boolean isStlsFailure(Exception e) {
    String m = e.getMessage();
    return m != null && m.toUpperCase(Locale.ROOT).contains("STLS REQUIRED");
  }

  private static void closeQuietly(POP3Store store) {
    try {
      store.close();
    } catch (MessagingException | RuntimeException e) {
      LOG.trace("closing after a failed open", e);
    }
  }
}
