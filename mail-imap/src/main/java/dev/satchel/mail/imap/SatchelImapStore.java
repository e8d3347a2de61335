package dev.satchel.mail.imap;

import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.util.Locale;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;

/**
 * Angus's {@link IMAPStore} with one guard before every login, on every connection it opens (the
 * store's pool included): an OAuth2 access token is only ever sent through {@code AUTHENTICATE
 * XOAUTH2}. Angus, asked for XOAUTH2 by a server that does not advertise {@code AUTH=XOAUTH2}, falls
 * back to {@code LOGIN} and sends the token as a password; this store refuses first.
 *
 * <p>It also counts the logins that got past STARTTLS, so that a refused STARTTLS is not mistaken
 * for refused credentials.
 *
 * <p>Created directly (not through Jakarta Mail's provider lookup), so no reflection is needed.
 */
final class SatchelImapStore extends IMAPStore {
  private final boolean oauth2;
  private final java.util.concurrent.atomic.AtomicInteger logins = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * @param name the protocol name, {@code imap} or {@code imaps}
   * @param oauth2 whether the password given to {@code connect} is an OAuth2 access token
   */
  SatchelImapStore(Session session, String name, boolean oauth2) {
    super(session, new URLName(name, null, -1, null, null, null), name, name.equals("imaps"));
    this.oauth2 = oauth2;
  }

  @Override
  protected void preLogin(IMAPProtocol p) throws ProtocolException {
    logins.incrementAndGet();
    super.preLogin(p);
    if (oauth2 && !p.hasCapability("AUTH=XOAUTH2")) {
      throw new NoOAuth2Exception();
    }
  }

  /**
   * How many logins reached the point after the greeting and STARTTLS where credentials are about to
   * be sent: when a failed connect did not raise it, the failure came before any credential (a
   * refused STARTTLS, which Angus reports as an authentication failure).
   */
  int loginAttempts() {
    return logins.get();
  }

  /** The server does not offer SASL XOAUTH2, so an OAuth2 token cannot be sent; nothing was sent. */
  static final class NoOAuth2Exception extends ProtocolException {
    private static final long serialVersionUID = 1L;

    NoOAuth2Exception() {
      super("the server does not offer AUTH=XOAUTH2");
    }
  }

  /** True when {@code e}'s cause chain holds a {@link NoOAuth2Exception}. */
  static boolean refusedForNoOAuth2(Throwable e) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < 10; depth++) {
      if (t instanceof NoOAuth2Exception) {
        return true;
      }
      Throwable next = t instanceof jakarta.mail.MessagingException me && me.getNextException() != null
          ? me.getNextException() : t.getCause();
      t = next == t ? null : next;
    }
    String m = e.getMessage();
    return m != null && m.toUpperCase(Locale.ROOT).contains("DOES NOT OFFER AUTH=XOAUTH2");
  }
}
