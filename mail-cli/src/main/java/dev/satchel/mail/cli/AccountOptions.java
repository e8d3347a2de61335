package dev.satchel.mail.cli;

import dev.satchel.mail.Server;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How to reach an account: server overrides, login name, where the password comes from (or the token
 * file of {@code satchel login}), TLS trust, timeouts.
 */
final class AccountOptions {
  /** The environment variable read for the password unless {@code --password-env} names another. */
  static final String DEFAULT_PASSWORD_ENV = "SATCHEL_PASSWORD";

  @Option(names = "--server", paramLabel = ServerSpec.SYNTAX, converter = ServerSpec.class,
      description = "Use this server instead of looking the address up (repeatable, one per protocol), "
          + "for example imap:imap.example.com:993:tls or smtp:mail.example.com:587:starttls.")
  List<Server> servers = new ArrayList<>();

  @Option(names = "--user", paramLabel = "LOGIN",
      description = "Log in with this name (default: the form the provider expects, else the address).")
  @Nullable String user;

  @Option(names = "--password-env", paramLabel = "VARIABLE",
      description = "Read the password from this environment variable (default: " + DEFAULT_PASSWORD_ENV + ")."
          + " Given, it wins over a stored 'satchel login'.")
  @Nullable String passwordEnvOption;

  @Option(names = "--password-stdin",
      description = "Read the password from the first line of standard input (wins over a stored 'satchel login').")
  boolean passwordStdin;

  @Mixin
  TokenFileOption tokenFile = new TokenFileOption();

  @Option(names = "--trust-pem", paramLabel = "FILE",
      description = "Trust exactly the certificates in this PEM file instead of the JDK's trust store "
          + "(for a server with a self-signed certificate). Host names are still verified.")
  @Nullable Path trustPem;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Connect and read timeout, for example 10s or 500ms (default: connect 10s, read 30s).")
  @Nullable Duration timeout;

  @Option(names = "--no-discovery",
      description = "Use only --server and the built-in registry: never ask DNS or the network for settings.")
  boolean noDiscovery;

  /** The environment variable the password is read from. */
  String passwordEnv() {
    return passwordEnvOption != null ? passwordEnvOption : DEFAULT_PASSWORD_ENV;
  }

  /** True when the command line asked for a password ({@code --password-env} or {@code --password-stdin}). */
  boolean passwordAsked() {
    return passwordEnvOption != null || passwordStdin;
  }
}
