package dev.satchel.mail;

import dev.satchel.mail.events.MailEventListener;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything needed to connect to one mail server: the {@link Server}, the {@link Credentials},
 * finite timeouts and TLS trust.
 *
 * <pre>{@code
 * MailSettings settings = MailSettings.builder()
 *     .server(Server.of(Protocol.IMAP, "imap.example.com", Security.TLS))
 *     .credentials(Credentials.password("alice@example.com", appPassword))
 *     .build();
 * try (Mailbox mailbox = Mailbox.connect(settings)) { ... }
 * }</pre>
 *
 * <p>Defaults: connect timeout 10 s, read timeout 30 s, write timeout 30 s, TLS trust from the JDK
 * default trust store with hostname verification. Every timeout is finite.
 *
 * <p>Immutable and thread-safe; {@link #toString()} never shows a secret.
 */
public final class MailSettings {
  /** Default connect timeout: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Default read timeout: 30 seconds. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  /** Default write timeout: 30 seconds. */
  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
  /** Default overall deadline of one protocol operation: 2 minutes. */
  public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofMinutes(2);

  private final Server server;
  private final @Nullable Credentials credentials;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Duration writeTimeout;
  private final Duration operationTimeout;
  private final TlsOptions tls;
  private final String accountName;
  private final MailEventListener eventListener;

  private MailSettings(Builder b, Server server) {
    this.server = server;
    this.credentials = b.credentials;
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.writeTimeout = b.writeTimeout;
    this.operationTimeout = b.operationTimeout;
    this.tls = b.tls;
    String name = b.accountName;
    this.accountName = name != null ? name : server.protocol().name().toLowerCase(java.util.Locale.ROOT) + ":" + server.host();
    this.eventListener = b.eventListener;
  }

  /** A new builder with the defaults above and no server. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings, for a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.server = server;
    b.credentials = credentials;
    b.connectTimeout = connectTimeout;
    b.readTimeout = readTimeout;
    b.writeTimeout = writeTimeout;
    b.operationTimeout = operationTimeout;
    b.tls = tls;
    b.accountName = accountName;
    b.eventListener = eventListener;
    return b;
  }

  /** The server to connect to. */
  public Server server() {
    return server;
  }

  /** The protocol of {@link #server()}. */
  public Protocol protocol() {
    return server.protocol();
  }

  /**
   * How to log in; {@code null} only for an SMTP server that accepts mail without authentication
   * (IMAP and POP3 always need credentials).
   */
  public @Nullable Credentials credentials() {
    return credentials;
  }

  /** How long to wait for the TCP (and TLS) connection to be established. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How long to wait for the server to answer once connected. */
  public Duration readTimeout() {
    return readTimeout;
  }

  /** How long a write to the server may block. */
  public Duration writeTimeout() {
    return writeTimeout;
  }

  /**
   * The overall deadline of one protocol operation on Satchel's own wire layer: connecting and logging
   * in, one command with its whole answer (or one pipelined batch of commands, such as one listing
   * batch or one window of partial fetches). A server that trickles bytes slowly enough to stay within
   * every read timeout is still cut off here, with a {@link MailConnectionException} saying that the
   * deadline passed.
   */
  public Duration operationTimeout() {
    return operationTimeout;
  }

  /** Which certificates TLS trusts (hostname verification is always on). */
  public TlsOptions tls() {
    return tls;
  }

  /**
   * The name of this account in events and metrics: the one given to
   * {@link Builder#accountName(String)}, else the protocol and host, such as {@code imap:imap.example.com}
   * (never the user name or address, which are personal data).
   */
  public String accountName() {
    return accountName;
  }

  /** The listener that receives events; {@link MailEventListener#NOOP} when none was set. */
  public MailEventListener eventListener() {
    return eventListener;
  }

  /**
   * Equal when server, credentials, timeouts and TLS options are equal ({@link TlsOptions} compare by
   * identity, except that {@link TlsOptions#systemDefault()} is a single instance).
   */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof MailSettings s && s.server.equals(server) && Objects.equals(s.credentials, credentials)
        && s.connectTimeout.equals(connectTimeout) && s.readTimeout.equals(readTimeout)
        && s.writeTimeout.equals(writeTimeout) && s.operationTimeout.equals(operationTimeout) && s.tls.equals(tls)
        && s.accountName.equals(accountName) && s.eventListener.equals(eventListener);
  }

  @Override
  public int hashCode() {
    return Objects.hash(server, credentials, connectTimeout, readTimeout, writeTimeout, operationTimeout, tls, accountName);
  }

  /** Shows server, user name, timeouts and TLS trust; never a password or token. */
  @Override
  public String toString() {
    return "MailSettings[server=" + server + ", credentials=" + credentials + ", connectTimeout=" + connectTimeout
        + ", readTimeout=" + readTimeout + ", writeTimeout=" + writeTimeout + ", operationTimeout=" + operationTimeout
        + ", tls=" + tls + ", accountName=" + accountName + "]";
  }

  /** Builds {@link MailSettings}. Not thread-safe. */
  public static final class Builder {
    private @Nullable Server server;
    private @Nullable Credentials credentials;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
    private Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;
    private TlsOptions tls = TlsOptions.systemDefault();
    private @Nullable String accountName;
    private MailEventListener eventListener = MailEventListener.NOOP;

    private Builder() {}

    /** The server to connect to. Required. */
    public Builder server(Server server) {
      this.server = Objects.requireNonNull(server, "server");
      return this;
    }

    /** Shorthand for {@code server(new Server(protocol, host, port, security))}. */
    public Builder server(Protocol protocol, String host, int port, Security security) {
      return server(new Server(protocol, host, port, security));
    }

    /** How to log in. Required for IMAP and POP3. */
    public Builder credentials(Credentials credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /** Shorthand for {@code credentials(Credentials.password(username, password))}. */
    public Builder password(String username, String password) {
      return credentials(Credentials.password(username, password));
    }

    /**
     * How long to wait for the connection to be established. Default 10 seconds.
     *
     * @throws IllegalArgumentException unless positive and at most one day
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = checkTimeout("connectTimeout", timeout);
      return this;
    }

    /**
     * How long to wait for each answer from the server. Default 30 seconds.
     *
     * @throws IllegalArgumentException unless positive and at most one day
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = checkTimeout("readTimeout", timeout);
      return this;
    }

    /**
     * How long a single write may block. Default 30 seconds.
     *
     * @throws IllegalArgumentException unless positive and at most one day
     */
    public Builder writeTimeout(Duration timeout) {
      this.writeTimeout = checkTimeout("writeTimeout", timeout);
      return this;
    }

    /**
     * The overall deadline of one protocol operation (see {@link MailSettings#operationTimeout()}):
     * bounds a server that answers, but too slowly, where each read timeout alone would let it go on
     * for ever. Default 2 minutes. Applies to IMAP; POP3 and SMTP follow when they move to Satchel's
     * own wire layer.
     *
     * @throws IllegalArgumentException unless positive and at most one day
     */
    public Builder operationTimeout(Duration timeout) {
      this.operationTimeout = checkTimeout("operationTimeout", timeout);
      return this;
    }

    /** Which certificates TLS trusts. Default {@link TlsOptions#systemDefault()}. */
    public Builder tls(TlsOptions tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /**
     * The name of this account in events and metrics, such as {@code support} or {@code billing}: 1 to
     * 64 characters, without {@code @}, control characters or spaces, so that no address ends up in a
     * metric tag. Default: the protocol and host, such as {@code imap:imap.example.com}.
     *
     * @throws IllegalArgumentException when the name is empty, longer than 64 characters or has
     *     {@code @}, a space or a control character
     */
    public Builder accountName(String accountName) {
      Objects.requireNonNull(accountName, "accountName");
      if (accountName.isEmpty() || accountName.length() > 64
          || accountName.chars().anyMatch(c -> c == '@' || c <= ' ' || c == 0x7f)) {
        throw new IllegalArgumentException("accountName must be 1..64 characters without '@', spaces or control"
            + " characters (it becomes a metric tag; an address is personal data), was \"" + accountName + "\"");
      }
      this.accountName = accountName;
      return this;
    }

    /**
     * The listener that receives events (connections, logins, commands, sends, inbox processing,
     * watch reconnects) of connections made with these settings; use
     * {@link MailEventListener#composite} for several. Default {@link MailEventListener#NOOP}: no event
     * is built.
     */
    public Builder eventListener(MailEventListener listener) {
      this.eventListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the settings.
     *
     * @throws IllegalStateException when no server was set, or IMAP/POP3 settings have no credentials
     */
    public MailSettings build() {
      Server s = server;
      if (s == null) {
        throw new IllegalStateException("server is required: call server(...) before build()");
      }
      if (s.protocol().isIncoming() && credentials == null) {
        throw new IllegalStateException(s.protocol() + " needs credentials: call credentials(...) before build()");
      }
      return new MailSettings(this, s);
    }

    private static Duration checkTimeout(String name, Duration timeout) {
      Objects.requireNonNull(timeout, name);
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException(name + " must be positive and at most 1 day, was " + timeout);
      }
      return timeout;
    }
  }
}
