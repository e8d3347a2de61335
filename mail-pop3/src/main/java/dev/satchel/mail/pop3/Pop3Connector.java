package dev.satchel.mail.pop3;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.internal.WireLimits;
import dev.satchel.mail.spi.MailboxConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens POP3 {@link Mailbox} sessions on Satchel's own POP3 engine ({@link Pop3Session}); found
 * through {@link java.util.ServiceLoader}, used by {@code Mailbox.connect(settings)}.
 *
 * <p>Security as in the settings: implicit TLS, STARTTLS (the server must offer STLS, or the
 * connection fails; never a plaintext fallback) or plaintext. Host names are always verified, against
 * the one configured trust. Passwords log in with SASL PLAIN or LOGIN when the server offers them,
 * APOP on a plaintext connection whose greeting offers it, and USER/PASS otherwise; OAuth2
 * credentials use SASL XOAUTH2 or OAUTHBEARER with a token asked of the token source on every connect
 * (and once more, forcing a refresh, when the server rejects it), never USER/PASS.
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
   * Connects, secures the connection, logs in and opens the maildrop (STAT), within one
   * {@link MailSettings#operationTimeout()}.
   *
   * @throws IllegalArgumentException when the settings are not for POP3 or have no credentials
   * @throws MailConnectionException when the server cannot be reached, TLS fails or STLS is missing
   *     under {@link Security#STARTTLS}
   * @throws MailAuthenticationException when the server refuses the credentials
   */
  @Override
  public Mailbox connect(MailSettings settings) {
    if (settings.protocol() != Protocol.POP3) {
      throw new IllegalArgumentException("Pop3Connector needs POP3 settings, was " + settings.protocol());
    }
    Credentials credentials = settings.credentials();
    if (credentials == null) {
      throw new IllegalArgumentException("POP3 settings need credentials");
    }
    Pop3Session session = Pop3Session.open(settings, WireLimits.DEFAULT);
    try {
      Pop3Mailbox mailbox = new Pop3Mailbox(settings, session);
      LOG.debug("connected to {} as {}", settings.server(), credentials.username());
      return mailbox;
    } catch (RuntimeException e) {
      session.abort();
      throw e;
    }
  }
}
