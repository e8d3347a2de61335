package dev.satchel.mail.cli;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Server;
import dev.satchel.mail.TlsOptions;
import dev.satchel.mail.TokenSource;
import dev.satchel.mail.providers.Access;
import dev.satchel.mail.providers.Authentication;
import dev.satchel.mail.providers.Autodiscovery;
import dev.satchel.mail.providers.Discovery;
import dev.satchel.mail.providers.MailProvider;
import dev.satchel.mail.providers.MailProviders;
import dev.satchel.mail.providers.ProviderServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns an address and {@link AccountOptions} into servers, login names, credentials (a stored
 * {@code satchel login} or a password) and settings.
 */
final class Accounts {
  /**
   * One server to use for the account.
   *
   * @param server where to connect
   * @param login the login name
   * @param origin where the settings came from, for the user
   * @param trusted false when autodiscovery found the server somewhere the user should confirm first
   * @param provider the provider the settings came from, when known
   */
  record Target(Server server, String login, String origin, boolean trusted, @Nullable MailProvider provider) {}

  /** The servers for an account, and where they came from. */
  record Resolution(List<Target> targets, String origin, @Nullable MailProvider provider) {
    Optional<Target> first(Protocol protocol) {
      return targets.stream().filter(t -> t.server().protocol() == protocol).findFirst();
    }
  }

  /**
   * A stored {@code satchel login} ready to use.
   *
   * @param stored what was stored besides the refresh token
   * @param tokenFile the token file holding the refresh token
   * @param tokens refreshes the access token with it (one source for every connection of this run)
   */
  record Login(StoredLogin stored, java.nio.file.Path tokenFile, TokenSource tokens) {}

  private Accounts() {}

  /** Parses the address the user typed, explaining what is wrong with it. */
  static EmailAddress address(String text) {
    return EmailAddress.tryParse(text).orElseThrow(() -> new CliException(ExitCodes.USAGE,
        "\"" + text + "\" is not an email address (expected something like alice@example.com)"));
  }

  /**
   * Finds the servers for {@code address}: {@code --server} options first, then the built-in
   * registry, then (unless {@code --no-discovery}) autodiscovery over the network.
   *
   * @throws CliException when nothing is found
   */
  static Resolution resolve(AccountOptions options, EmailAddress address) {
    if (!options.servers.isEmpty()) {
      List<Target> targets = new ArrayList<>();
      Optional<MailProvider> known = MailProviders.builtIn().lookup(address.domain());
      for (Server s : options.servers) {
        String login = options.user != null ? options.user : loginFor(known.orElse(null), s, address);
        targets.add(new Target(s, login, "--server", true, known.orElse(null)));
      }
      return new Resolution(targets, "--server", known.orElse(null));
    }
    Optional<MailProvider> known = MailProviders.builtIn().lookup(address.domain());
    if (known.isPresent()) {
      return fromProvider(options, address, known.get(), "built-in registry: " + known.get().name(), true);
    }
    if (options.noDiscovery) {
      throw new CliException(ExitCodes.NOT_FOUND, "the built-in registry does not know " + address.domain()
          + "; give the servers with --server " + ServerSpec.SYNTAX + " or drop --no-discovery to search the network");
    }
    Autodiscovery.Builder discovery = Autodiscovery.builder();
    if (options.timeout != null) {
      discovery.probeTimeout(options.timeout);
    }
    Optional<Discovery> found = discovery.build().discover(address.address());
    if (found.isEmpty()) {
      throw new CliException(ExitCodes.NOT_FOUND, "no settings found for " + address.domain()
          + " (registry, autoconfig, ISPDB, MX, SRV and probing all came up empty); give the servers with --server "
          + ServerSpec.SYNTAX);
    }
    Discovery d = found.get();
    String origin = "autodiscovery (" + d.source() + ": " + d.origin() + ")" + (d.trusted() ? "" : ", NOT trusted");
    return fromProvider(options, address, d.provider(), origin, d.trusted());
  }

  private static Resolution fromProvider(
      AccountOptions options, EmailAddress address, MailProvider provider, String origin, boolean trusted) {
    if (provider.access() == Access.NONE) {
      throw new CliException(ExitCodes.NOT_FOUND, provider.name()
          + " offers no IMAP, POP3 or SMTP access at all: only its own apps can read this mailbox");
    }
    List<Target> targets = new ArrayList<>();
    List<ProviderServer> servers = new ArrayList<>(provider.incoming());
    servers.addAll(provider.outgoing());
    for (ProviderServer ps : servers) {
      String login = options.user != null ? options.user : ps.username(address);
      targets.add(new Target(ps.server(address), login, origin, trusted, provider));
    }
    return new Resolution(targets, origin, provider);
  }

  private static String loginFor(@Nullable MailProvider provider, Server server, EmailAddress address) {
    if (provider != null) {
      for (ProviderServer ps : provider.servers(server.protocol())) {
        if (ps.server(address).host().equalsIgnoreCase(server.host())) {
          return ps.username(address);
        }
      }
    }
    return address.address();
  }

  /** The target for {@code protocol}, or a clear error when the account has none. */
  static Target target(Resolution resolution, Protocol protocol, EmailAddress address) {
    Target t = resolution.first(protocol).orElseThrow(() -> new CliException(ExitCodes.NOT_FOUND,
        "no " + protocol + " server for " + address.address() + " (" + resolution.origin() + "); give one with --server "
            + protocol.name().toLowerCase(java.util.Locale.ROOT) + ":HOST[:PORT][:SECURITY]"));
    if (!t.trusted()) {
      throw new CliException(ExitCodes.NOT_FOUND, "the " + protocol + " server " + t.server().host() + " came from "
          + t.origin() + "; satchel sends no password there unless you confirm it with --server "
          + protocol.name().toLowerCase(java.util.Locale.ROOT) + ":" + t.server().host() + ":" + t.server().port() + ":"
          + t.server().security().name().toLowerCase(java.util.Locale.ROOT));
    }
    return t;
  }

  /**
   * The credentials for {@code target}: the stored {@code satchel login} of the address unless the
   * command line asked for a password, else a password ({@link #password}, asking on the terminal).
   *
   * @throws CliException when the account takes only OAuth2 and no login is stored, or when no
   *     password is available
   */
  static Credentials credentials(Io io, AccountOptions options, Target target, EmailAddress address) {
    Optional<Login> login = storedLogin(io, options, address);
    if (login.isPresent()) {
      return Credentials.oauth2(target.login(), login.get().tokens());
    }
    MailProvider p = target.provider();
    if (p != null && p.authentication() == Authentication.OAUTH2) {
      String drop = options.passwordAsked() ? ", without --password-env or --password-stdin" : "";
      throw new CliException(ExitCodes.NOT_FOUND, p.name() + " accepts only OAuth2 logins, not passwords: run `satchel login "
          + address.address() + "` first" + drop);
    }
    return new Credentials.Password(target.login(), Objects.requireNonNull(password(io, options, target, true, true)));
  }

  /**
   * The login {@code satchel login} stored for {@code address}, with a token source that refreshes
   * with it; empty when none is stored or the command line asked for a password.
   *
   * @throws CliException when the token or logins file is damaged or the stored login cannot be used
   */
  static Optional<Login> storedLogin(Io io, AccountOptions options, EmailAddress address) {
    if (options.passwordAsked()) {
      return Optional.empty();
    }
    LoginStore store = LoginStore.open(io, options.tokenFile);
    return store.find(address).map(login -> new Login(login, store.tokenFile(), login.tokenSource(io, store.tokens())));
  }

  /**
   * The password from the environment variable, standard input or a terminal prompt, in that order;
   * null when none is available and {@code required} is false.
   *
   * @throws CliException when {@code required} and no password is available
   */
  static char @Nullable [] password(Io io, AccountOptions options, Target target, boolean required, boolean ask) {
    String fromEnv = io.env.get(options.passwordEnv());
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return fromEnv.toCharArray();
    }
    if (options.passwordStdin) {
      try {
        String line = new BufferedReader(new InputStreamReader(io.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
          throw new CliException(ExitCodes.NOT_FOUND, "--password-stdin: standard input was empty");
        }
        return line.toCharArray();
      } catch (IOException e) {
        throw new CliException(ExitCodes.LOCAL_IO, "--password-stdin: cannot read standard input: " + e.getMessage(), e);
      }
    }
    if (required || ask) {
      char[] typed = io.prompt.ask("Password for " + target.login() + " at " + target.server().host() + ": ");
      if (typed != null && typed.length > 0) {
        return typed;
      }
    }
    if (required) {
      throw new CliException(ExitCodes.NOT_FOUND, "no password: set the environment variable " + options.passwordEnv()
          + ", pass --password-stdin, or run in a terminal to be asked");
    }
    return null;
  }

  /** Settings for {@code target} with these credentials (null only for SMTP without login). */
  static MailSettings settings(AccountOptions options, Target target, @Nullable Credentials credentials) {
    MailSettings.Builder b = MailSettings.builder().server(target.server()).tls(tls(options));
    if (credentials != null) {
      b.credentials(credentials);
    }
    if (options.timeout != null) {
      b.connectTimeout(options.timeout).readTimeout(options.timeout).writeTimeout(options.timeout);
    }
    return b.build();
  }

  /** The TLS trust chosen with {@code --trust-pem}, or the JDK's. */
  static TlsOptions tls(AccountOptions options) {
    if (options.trustPem == null) {
      return TlsOptions.systemDefault();
    }
    try {
      return TlsOptions.trustingPem(options.trustPem);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.LOCAL_IO, "--trust-pem: " + e.getMessage(), e);
    }
  }
}
