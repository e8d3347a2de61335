package dev.satchel.mail.internal;

import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Security;
import dev.satchel.mail.Server;
import jakarta.mail.Session;
import java.util.Locale;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;

/**
 * Turns {@link MailSettings} into an Angus {@link Session} whose sockets always have finite
 * timeouts, verify the server's host name, use the settings' trust material, and never fall back to
 * plaintext when STARTTLS was asked for. For IMAP and POP3 the sockets also check what the server
 * sends against {@link WireLimits#DEFAULT} ({@link GuardedSockets}), so that a server cannot make
 * Angus allocate without bound.
 *
 * <p>One configured trust, one verdict: Angus's socket-factory fallback is switched off for every
 * protocol. With it on (Angus's default), a failed implicit-TLS handshake was retried on a second
 * connection with the JVM's default {@code SSLSocketFactory}, so a certificate the settings refused
 * but the JVM's default trust store accepted got the credentials.
 */
public final class AngusSessions {
  private AngusSessions() {}

  /**
   * The Jakarta Mail protocol name for the settings: {@code imap}/{@code imaps}, {@code pop3}/
   * {@code pop3s}, {@code smtp}/{@code smtps}.
   */
  public static String protocolName(Server server) {
    String base = server.protocol().name().toLowerCase(Locale.ROOT);
    return server.security() == Security.TLS ? base + "s" : base;
  }

  /**
   * Properties for the settings, for the protocol name {@link #protocolName(Server)}. Callers may add
   * protocol-specific properties before creating the session.
   */
  public static Properties properties(MailSettings settings) {
    Server server = settings.server();
    String p = "mail." + protocolName(server) + ".";
    Properties props = new Properties();
    props.setProperty(p + "host", server.host());
    props.setProperty(p + "port", Integer.toString(server.port()));
    props.setProperty(p + "connectiontimeout", Long.toString(settings.connectTimeout().toMillis()));
    props.setProperty(p + "timeout", Long.toString(settings.readTimeout().toMillis()));
    props.setProperty(p + "writetimeout", Long.toString(settings.writeTimeout().toMillis()));
    // Never retry a failed socket or handshake with another (default) socket factory.
    props.setProperty(p + "socketFactory.fallback", "false");
    if (settings.credentials() != null) {
      props.setProperty(p + "user", settings.credentials().username());
    }
    boolean guarded = GuardedSockets.guards(server.protocol());
    switch (server.security()) {
      case TLS -> {
        props.setProperty(p + "ssl.enable", "true");
        props.put(p + "ssl.socketFactory", tlsFactory(settings, guarded));
        props.setProperty(p + "ssl.checkserveridentity", "true");
      }
      case STARTTLS -> {
        props.setProperty(p + "starttls.enable", "true");
        props.setProperty(p + "starttls.required", "true");
        // POP3 calls STLS "starttls" in Angus too; the properties above cover it.
        props.put(p + "ssl.socketFactory", tlsFactory(settings, guarded));
        props.setProperty(p + "ssl.checkserveridentity", "true");
        if (guarded) {
          props.put(p + "socketFactory", GuardedSockets.plain(server.protocol(), WireLimits.DEFAULT));
        }
      }
      case NONE -> {
        props.setProperty(p + "starttls.enable", "false");
        if (guarded) {
          props.put(p + "socketFactory", GuardedSockets.plain(server.protocol(), WireLimits.DEFAULT));
        }
      }
    }
    return props;
  }

  /**
   * The settings' TLS socket factory; for IMAP and POP3 wrapped so that what the server sends is
   * checked against {@link WireLimits#DEFAULT} before Angus reads it (see {@link GuardedSockets}).
   */
  private static SSLSocketFactory tlsFactory(MailSettings settings, boolean guarded) {
    SSLSocketFactory tls = settings.tls().sslContext().getSocketFactory();
    return guarded ? GuardedSockets.tls(tls, settings.server().protocol(), WireLimits.DEFAULT) : tls;
  }

  /** A new, unshared session for the settings with {@code extra} properties added. */
  public static Session session(MailSettings settings, Properties extra) {
    Properties props = properties(settings);
    props.putAll(extra);
    return Session.getInstance(props);
  }
}
