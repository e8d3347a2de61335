package dev.satchel.mail;

import java.util.Locale;
import java.util.Objects;

/**
 * One mail server endpoint: protocol, host, port and transport security.
 *
 * <p>Immutable and thread-safe.
 *
 * @param protocol the protocol spoken on this endpoint
 * @param host a host name or IP literal; not blank, no whitespace
 * @param port 1..65535
 * @param security how the connection is protected
 */
public record Server(Protocol protocol, String host, int port, Security security) {

  /**
   * Validates the endpoint.
   *
   * @throws IllegalArgumentException when the host is blank or contains whitespace, a control
   *     character or '/', or the port is outside 1..65535
   * @throws NullPointerException when a component is null
   */
  public Server {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(security, "security");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '/') {
        throw new IllegalArgumentException("host must be a host name or IP address, was \"" + EmailAddress.escape(host) + "\"");
      }
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
  }

  /** An endpoint on the protocol's well-known port for {@code security}. */
  public static Server of(Protocol protocol, String host, Security security) {
    return new Server(protocol, host, protocol.defaultPort(security), security);
  }

  /** Shows {@code imap://host:port (TLS)}. */
  @Override
  public String toString() {
    return protocol.name().toLowerCase(Locale.ROOT) + "://" + host + ":" + port + " (" + security + ")";
  }
}
