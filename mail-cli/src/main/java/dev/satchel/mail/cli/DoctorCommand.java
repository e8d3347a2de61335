package dev.satchel.mail.cli;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Credentials;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Quota;
import dev.satchel.mail.Transport;
import dev.satchel.mail.providers.Authentication;
import dev.satchel.mail.providers.MailProvider;
import dev.satchel.mail.providers.SetupNote;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code satchel doctor}: finds the settings for an address and checks each server step by step,
 * explaining each failure with its fix.
 */
@Command(mixinStandardHelpOptions = true, name = "doctor", sortOptions = false,
    description = {"Check why mail settings do not work, and say how to fix it.",
        "Finds the settings for an address (--server, the registry, then autodiscovery) and checks each server:",
        "DNS, TCP, TLS and its certificate, STARTTLS, capabilities, and - with a login - login and quota.",
        "The login is the one 'satchel login' stored for the address, else a password from $SATCHEL_PASSWORD"
            + " (see --password-env), --password-stdin or --ask-password.",
        "An account that takes only OAuth2 is told so, and no password is sent to it."},
    footer = {"", "Exit code 0 when every check passed (warnings allowed), 1 when a check failed."})
final class DoctorCommand implements Callable<Integer>, HasCommonOptions {
  /** The doctor's default for every wait: connect, TLS, each answer. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final Satchel satchel;

  @Parameters(paramLabel = "ADDRESS", description = "The email address whose settings to check.")
  String address = "";

  @Option(names = "--protocol", paramLabel = "PROTOCOL", split = ",",
      description = "Check only these protocols: imap, pop3, smtp (default: every server found).")
  List<Protocol> protocols = new ArrayList<>();

  @Option(names = "--ask-password",
      description = "Ask for the password on the terminal when the environment variable is not set.")
  boolean askPassword;

  @Mixin
  AccountOptions account = new AccountOptions();

  @Mixin
  CommonOptions common = new CommonOptions();

  DoctorCommand(Satchel satchel) {
    this.satchel = satchel;
  }

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() {
    PrintWriter out = satchel.io.out;
    EmailAddress email = Accounts.address(address);
    if (account.timeout == null) {
      account.timeout = DEFAULT_TIMEOUT;
    }
    Duration timeout = account.timeout;
    out.println("Checking the mail settings of " + email.address());
    Accounts.Resolution resolution = Accounts.resolve(account, email);
    out.println("Settings from: " + resolution.origin());
    MailProvider provider = resolution.provider();
    boolean oauth2Only = provider != null && provider.authentication() == Authentication.OAUTH2;
    if (provider != null && provider.authentication() != Authentication.PASSWORD) {
      out.println("Login with: " + LoginAdvice.kind(provider.authentication()));
    }
    out.flush();
    List<Accounts.Target> targets = resolution.targets().stream()
        .filter(t -> protocols.isEmpty() || protocols.contains(t.server().protocol()))
        .toList();
    if (targets.isEmpty()) {
      throw new CliException(ExitCodes.NOT_FOUND, "no " + protocols + " server for " + email.address());
    }
    char[] password = null;
    Accounts.Login login = Accounts.storedLogin(satchel.io, account, email).orElse(null);
    Accounts.Target firstTrusted = targets.stream().filter(Accounts.Target::trusted).findFirst().orElse(null);
    if (firstTrusted != null && login == null) {
      // an OAuth2-only account gets no password prompt: the password could not be used
      password = Accounts.password(satchel.io, account, firstTrusted, false, askPassword && !oauth2Only);
    }
    String trust = account.trustPem != null ? "the certificates in " + account.trustPem : "the JDK's default trust store";
    int failures = 0;
    int warnings = 0;
    List<Check> secret = login != null ? List.of(loginCheck(login)) : secretChecks(provider, email, password != null);
    if (!secret.isEmpty()) {
      out.println();
      for (Check c : secret) {
        print(out, c);
        failures += c.status() == Check.Status.FAIL ? 1 : 0;
        warnings += c.status() == Check.Status.WARN ? 1 : 0;
      }
    }
    for (Accounts.Target target : targets) {
      out.println();
      out.println(target.server().protocol() + " " + target.server().host() + ":" + target.server().port() + " ("
          + target.server().security() + "), login " + target.login());
      Probe probe = new Probe(target.server(), Accounts.tls(account).sslContext(), trust, timeout);
      List<Check> checks = new ArrayList<>(probe.run());
      boolean reachable = checks.stream().noneMatch(c -> c.status() == Check.Status.FAIL);
      if (reachable) {
        checks.addAll(login(target, password, login, provider));
      }
      for (Check c : checks) {
        print(out, c);
        failures += c.status() == Check.Status.FAIL ? 1 : 0;
        warnings += c.status() == Check.Status.WARN ? 1 : 0;
      }
      out.flush();
    }
    out.println();
    if (failures == 0) {
      out.println(warnings == 0 ? "All checks passed." : "All checks passed, with " + warnings + " warning"
          + (warnings == 1 ? "" : "s") + ".");
      return ExitCodes.OK;
    }
    out.println(failures + " check" + (failures == 1 ? "" : "s") + " failed.");
    return ExitCodes.PROBLEMS;
  }

  private List<Check> login(Accounts.Target target, char @Nullable [] password, Accounts.@Nullable Login login,
      @Nullable MailProvider provider) {
    Protocol protocol = target.server().protocol();
    if (!target.trusted()) {
      return List.of(Check.skip("login", "not tried: these settings came from " + target.origin()
          + "; confirm the server with --server to log in there"));
    }
    Credentials credentials;
    if (login != null) {
      credentials = Credentials.oauth2(target.login(), login.tokens());
    } else if (provider != null && provider.authentication() == Authentication.OAUTH2) {
      return List.of(Check.skip("login", "not tried: " + provider.name() + " accepts only OAuth2, not a password (see above)"));
    } else if (password == null) {
      return List.of(Check.skip("login", "not tried: no password (set " + account.passwordEnv()
          + ", use --password-stdin or --ask-password, or run `satchel login` where the provider offers OAuth2)"));
    } else {
      credentials = new Credentials.Password(target.login(), password.clone());
    }
    String loggedIn = "logged in as " + target.login() + (login != null ? " with OAuth2" : "");
    List<Check> checks = new ArrayList<>();
    MailSettings settings = Accounts.settings(account, target, credentials);
    try {
      if (protocol == Protocol.SMTP) {
        try (Transport smtp = Transport.connect(settings)) {
          checks.add(Check.ok("login", loggedIn));
        }
        return checks;
      }
      try (Mailbox mailbox = Mailbox.connect(settings)) {
        checks.add(Check.ok("login", loggedIn));
        Set<Capability> caps = mailbox.capabilities();
        checks.add(Check.info("satchel can", caps.isEmpty() ? "(nothing)" : caps.stream()
            .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(" "))));
        Set<Capability> missing = EnumSet.complementOf(caps.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(caps));
        if (protocol == Protocol.POP3 && !missing.isEmpty()) {
          checks.add(Check.info("POP3 cannot", missing.stream().map(c -> c.name().toLowerCase(Locale.ROOT))
              .collect(Collectors.joining(" ")) + " (POP3 only downloads; use IMAP to manage mail on the server)"));
        }
        checks.add(quota(mailbox));
      }
    } catch (MailAuthenticationException e) {
      String fix = login != null
          ? "run `satchel login " + login.stored().account() + "` again; the client needs the provider's mail scopes ("
              + String.join(" ", login.stored().scopes()) + ")"
          : loginFix(protocol, provider, target);
      checks.add(Check.fail("login", "refused for " + target.login() + ": " + Satchel.oneLine(e.getMessage()), fix));
    } catch (MailException e) {
      checks.add(Check.fail("login", "failed: " + Satchel.oneLine(e.getMessage()), null));
    } catch (IllegalStateException e) {
      // no connector for the protocol on the class path
      checks.add(Check.fail("login", "not possible: " + Satchel.oneLine(e.getMessage()), null));
    }
    return checks;
  }

  /** Which stored login the checks use. */
  private static Check loginCheck(Accounts.Login login) {
    StoredLogin s = login.stored();
    return Check.info("login", "OAuth2, with the login of `satchel login` (client " + s.clientId() + ", " + s.flow()
        + " sign-in at " + s.loggedInAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "; refresh token in "
        + login.tokenFile() + ")");
  }

  /**
   * What the account takes as a secret, said before any login is tried: an OAuth2-only account fails
   * here when a password was given (it would only be refused), and an account that wants an app
   * password or authorization code says so.
   */
  private static List<Check> secretChecks(@Nullable MailProvider provider, EmailAddress email, boolean passwordGiven) {
    if (provider == null) {
      return List.of();
    }
    String signIn = "run `satchel login " + email.address() + "` to sign in with OAuth2";
    String facts = provider.oauth2().isPresent()
        ? "; `satchel providers " + email.address() + "` shows the OAuth2 endpoints, scopes and what to register first"
        : "";
    switch (provider.authentication()) {
      case OAUTH2 -> {
        String needs = "this account needs OAuth2 rather than a password: " + provider.name() + " refuses password logins";
        if (passwordGiven) {
          return List.of(Check.fail("password", needs + ", so satchel does not send the password you gave", signIn + facts));
        }
        return List.of(Check.info("password", needs + "; " + signIn));
      }
      case APP_PASSWORD, AUTHORIZATION_CODE -> {
        if (!passwordGiven) {
          return List.of();
        }
        String kind = provider.authentication() == Authentication.APP_PASSWORD
            ? "an app password" : "the authorization code issued in the web settings";
        String where = LoginAdvice.secretNote(provider).map(n -> " (" + n + ")").orElse("");
        String oauth2 = provider.oauth2().isPresent() ? "; or " + signIn : "";
        return List.of(Check.info("password", "the password must be " + kind + where + ": " + provider.name()
            + " refuses the account password from mail programs" + oauth2));
      }
      default -> {
        return List.of();
      }
    }
  }

  private static Check quota(Mailbox mailbox) {
    if (!mailbox.supports(Capability.QUOTA)) {
      return Check.info("quota", mailbox.protocol() == Protocol.POP3 ? "POP3 has no quota command"
          : "the server does not report quota (no QUOTA capability)");
    }
    try {
      List<Quota> quotas = mailbox.quota();
      List<String> parts = new ArrayList<>();
      for (Quota q : quotas) {
        for (Quota.Resource r : q.resources()) {
          parts.add(Units.resource(r));
        }
      }
      return Check.info("quota", parts.isEmpty() ? "the server offers QUOTA but reports no limits" : String.join("; ", parts));
    } catch (MailException e) {
      return Check.warn("quota", "the server offers QUOTA but refused to report it: " + Satchel.oneLine(e.getMessage()), null);
    }
  }

  private static String loginFix(Protocol protocol, @Nullable MailProvider provider, Accounts.Target target) {
    List<String> fix = new ArrayList<>();
    if (provider != null) {
      String p = protocol.name();
      List<SetupNote> relevant = provider.setupNotes().stream()
          .filter(n -> n.text().toUpperCase(Locale.ROOT).contains(p.equals("POP3") ? "POP" : p))
          .toList();
      if (relevant.isEmpty()) {
        relevant = provider.setupNotes();
      }
      if (protocol == Protocol.POP3 && !relevant.isEmpty()) {
        fix.add("POP3 login refused: " + provider.name() + " may need POP switched on first");
      }
      for (SetupNote n : relevant) {
        fix.add(n.text() + n.link().map(l -> ": " + l).orElse(""));
      }
      if (provider.authentication() != Authentication.PASSWORD) {
        fix.add(provider.name() + " needs " + LoginAdvice.kind(provider.authentication()) + ", not the account password");
      }
    }
    if (fix.isEmpty()) {
      fix.add("check the password and the login name (" + target.login() + "); use --user if the server expects another"
          + " form, for example the part before the @");
    }
    return String.join("; ", fix);
  }

  private static void print(PrintWriter out, Check c) {
    out.println(String.format(Locale.ROOT, "  %-5s %-14s %s", c.status().label, c.name(), c.detail()));
    if (c.fix() != null) {
      out.println("        fix: " + c.fix());
    }
  }
}
