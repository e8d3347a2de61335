package dev.satchel.mail.providers;

import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Server;
import java.util.Locale;
import java.util.Objects;

/**
 * One server a provider offers, as a template: the host may hold {@code %EMAILDOMAIN%} (for example
 * {@code mail.%EMAILDOMAIN%}), and the login name is formed from the address by {@link #username()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param protocol IMAP, POP3 or SMTP
 * @param host the host name, lower case, possibly with {@code %EMAILDOMAIN%}
 * @param port 1..65535
 * @param security how the connection is protected
 * @param username how the login name is formed
 */
public record ProviderServer(Protocol protocol, String host, int port, Security security, UsernameForm username) {

  /**
   * Validates the server.
   *
   * @throws IllegalArgumentException when the host is blank, holds whitespace or an unknown
   *     placeholder, or the port is outside 1..65535
   */
  public ProviderServer {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(username, "username");
    Placeholders.check("host", host);
    if (host.contains(Placeholders.ADDRESS) || host.contains(Placeholders.LOCAL_PART)) {
      throw new IllegalArgumentException("host may only use the " + Placeholders.DOMAIN + " placeholder, was \"" + host + "\"");
    }
    host = host.contains("%") ? host : host.toLowerCase(Locale.ROOT);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
  }

  /** A server on the protocol's well-known port for {@code security}, logging in with the full address. */
  public static ProviderServer of(Protocol protocol, String host, Security security) {
    return new ProviderServer(protocol, host, protocol.defaultPort(security), security, UsernameForm.FULL_ADDRESS);
  }

  /** The concrete endpoint for {@code address}, with {@code %EMAILDOMAIN%} filled in. */
  public Server server(EmailAddress address) {
    return new Server(protocol, Placeholders.expand(host, address), port, security);
  }

  /** The login name for {@code address} on this server. */
  public String username(EmailAddress address) {
    return username.apply(address);
  }

  /** Shows {@code imap://imap.example.com:993 (TLS) user=full address}. */
  @Override
  public String toString() {
    return protocol.name().toLowerCase(Locale.ROOT) + "://" + host + ":" + port + " (" + security + ") user=" + username;
  }
}
