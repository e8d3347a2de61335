package dev.satchel.mail.cli;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Server;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Parses {@code --server PROTOCOL:HOST[:PORT][:SECURITY]}, for example {@code imap:imap.example.com},
 * {@code smtp:mail.example.com:587:starttls} or {@code pop3:127.0.0.1:3110:none}. Security defaults to
 * TLS, the port to the protocol's well-known port for that security. An IPv6 host goes in brackets.
 */
final class ServerSpec implements CommandLine.ITypeConverter<Server> {
  static final String SYNTAX = "PROTOCOL:HOST[:PORT][:SECURITY]";

  @Override
  public Server convert(String value) {
    return parse(value);
  }

  static Server parse(String value) {
    String rest = value.strip();
    int colon = rest.indexOf(':');
    if (colon <= 0) {
      throw bad(value, "expected " + SYNTAX);
    }
    Protocol protocol = protocol(value, rest.substring(0, colon));
    rest = rest.substring(colon + 1);
    String host;
    if (rest.startsWith("[")) {
      int end = rest.indexOf(']');
      if (end < 0) {
        throw bad(value, "missing ] after the IPv6 address");
      }
      host = rest.substring(1, end);
      rest = rest.substring(end + 1);
      rest = rest.startsWith(":") ? rest.substring(1) : rest;
    } else {
      int next = rest.indexOf(':');
      host = next < 0 ? rest : rest.substring(0, next);
      rest = next < 0 ? "" : rest.substring(next + 1);
    }
    if (host.isEmpty()) {
      throw bad(value, "the host is missing");
    }
    Integer port = null;
    Security security = Security.TLS;
    for (String part : rest.isEmpty() ? new String[0] : rest.split(":", -1)) {
      if (!part.isEmpty() && part.chars().allMatch(Character::isDigit)) {
        if (port != null) {
          throw bad(value, "two ports");
        }
        try {
          port = Integer.parseInt(part);
        } catch (NumberFormatException e) {
          throw bad(value, "port must be 1..65535, was " + part);
        }
      } else {
        security = security(value, part);
      }
    }
    int p = port != null ? port : protocol.defaultPort(security);
    if (p < 1 || p > 65535) {
      throw bad(value, "port must be 1..65535, was " + p);
    }
    return new Server(protocol, host, p, security);
  }

  private static Protocol protocol(String value, String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "imap":
        return Protocol.IMAP;
      case "pop3":
      case "pop":
        return Protocol.POP3;
      case "smtp":
        return Protocol.SMTP;
      default:
        throw bad(value, "protocol must be imap, pop3 or smtp, was \"" + text + "\"");
    }
  }

  private static Security security(String value, String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "tls":
      case "ssl":
        return Security.TLS;
      case "starttls":
        return Security.STARTTLS;
      case "none":
      case "plain":
        return Security.NONE;
      default:
        throw bad(value, "security must be tls, starttls or none, was \"" + text + "\"");
    }
  }

  private static CommandLine.TypeConversionException bad(String value, String why) {
    return new CommandLine.TypeConversionException("invalid server \"" + value + "\": " + why + " (" + SYNTAX
        + ", for example imap:imap.example.com:993:tls)");
  }
}
