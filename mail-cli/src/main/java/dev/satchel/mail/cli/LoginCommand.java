package dev.satchel.mail.cli;

import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.oauth2.AuthorizationCodeFlow;
import dev.satchel.mail.oauth2.DeviceAuthorizationFlow;
import dev.satchel.mail.oauth2.DeviceCode;
import dev.satchel.mail.oauth2.OAuth2Client;
import dev.satchel.mail.oauth2.OAuth2Tokens;
import dev.satchel.mail.providers.Autodiscovery;
import dev.satchel.mail.providers.Discovery;
import dev.satchel.mail.providers.MailProvider;
import dev.satchel.mail.providers.MailProviders;
import dev.satchel.mail.providers.OAuth2Facts;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code satchel login}: signs an account in with OAuth2 and keeps the refresh token for the other
 * commands.
 */
@Command(mixinStandardHelpOptions = true, name = "login", sortOptions = false,
    description = {"Sign in with OAuth2 and keep the login for the other commands.",
        "Signs in at the provider from the registry: in the browser (the sign-in comes back to a loopback address"
            + " on this machine), or with --device by entering a code on any device.",
        "The refresh token goes to the token file (owner-only), the client id and endpoints to the logins file beside it."
            + " list, fetch, send, sync and doctor then log in with it; 'satchel logout ADDRESS' forgets it.",
        "Every provider wants your own app registration: 'satchel providers ADDRESS' says what to register.",
        "A client secret is never stored: a confidential client's secret is read from --client-secret-env at every use"
            + " (or asked with --ask-client-secret). Google's desktop-app secrets are not confidential, but are still"
            + " kept out of the files: put them in an environment variable."},
    footer = {"", "Examples:",
        "  satchel login alice@outlook.com --client-id APP-ID",
        "  satchel login bob@contoso.com --client-id APP-ID --tenant contoso.com --device",
        "  export GOOGLE_SECRET=...",
        "  satchel login carol@gmail.com --client-id ID --client-secret-env GOOGLE_SECRET"})
final class LoginCommand implements Runnable, HasCommonOptions {
  /** How long the browser sign-in is waited for unless {@code --timeout} says otherwise. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  private final Satchel satchel;

  @Parameters(paramLabel = "ADDRESS", description = "The account, for example alice@outlook.com.")
  String address = "";

  @Option(names = "--client-id", paramLabel = "ID", description = "The id of your OAuth2 client (app registration).")
  @Nullable String clientId;

  @Option(names = "--client-secret-env", paramLabel = "VARIABLE",
      description = "A confidential client: read its secret from this environment variable, now and at every later use.")
  @Nullable String clientSecretEnv;

  @Option(names = "--ask-client-secret",
      description = "A confidential client: ask for its secret on the terminal, now and at every later use.")
  boolean askClientSecret;

  @Option(names = "--device", description = "Sign in on another device with a code (RFC 8628) instead of a browser here.")
  boolean device;

  @Option(names = "--no-browser", description = "Do not open a browser: print the sign-in address to open yourself.")
  boolean noBrowser;

  @Option(names = "--tenant", paramLabel = "TENANT",
      description = "Microsoft: the tenant id or domain of a single-tenant app (default: the registry's, consumers for"
          + " Outlook.com, organizations for Microsoft 365).")
  @Nullable String tenant;

  @Option(names = {"--protocols", "--protocol"}, paramLabel = "PROTOCOL", split = ",",
      description = "Ask for the scopes of these protocols only: imap, pop3, smtp (default: every one the provider has).")
  List<Protocol> protocols = new ArrayList<>();

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How long to wait for the browser sign-in (default: 5m). A device code lasts as long as the server says.")
  Duration timeout = DEFAULT_TIMEOUT;

  @Option(names = "--no-discovery",
      description = "For a domain the registry does not know, do not ask DNS (MX) which provider hosts it.")
  boolean noDiscovery;

  @Mixin
  TokenFileOption tokenFile = new TokenFileOption();

  @ArgGroup(exclusive = false, heading = "%nAdvanced, for providers the registry does not know and for tests:%n")
  @Nullable Advanced advanced;

  /** Endpoints and scopes given on the command line instead of the registry's. */
  static final class Advanced {
    @Option(names = "--authorization-endpoint", paramLabel = "URL", description = "Where the browser signs in.")
    @Nullable URI authorizationEndpoint;

    @Option(names = "--token-endpoint", paramLabel = "URL", description = "Where tokens are issued.")
    @Nullable URI tokenEndpoint;

    @Option(names = "--device-endpoint", paramLabel = "URL", description = "Where --device asks for a code.")
    @Nullable URI deviceEndpoint;

    @Option(names = "--scope", paramLabel = "SCOPE", description = "A scope to ask for (repeatable); replaces the registry's.")
    List<String> scopes = new ArrayList<>();
  }

  @Mixin
  CommonOptions common = new CommonOptions();

  LoginCommand(Satchel satchel) {
    this.satchel = satchel;
  }

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public void run() {
    if (clientSecretEnv != null && askClientSecret) {
      throw new CliException(ExitCodes.USAGE, "--client-secret-env and --ask-client-secret both name the client secret:"
          + " give one");
    }
    EmailAddress email = Accounts.address(address);
    String account = LoginStore.key(email);
    Advanced a = advanced != null ? advanced : new Advanced();
    MailProvider provider = provider(email, a);
    LoginPlan plan = LoginPlan.of(new LoginPlan.Request(email, device, tenant, protocols, a.authorizationEndpoint,
        a.tokenEndpoint, a.deviceEndpoint, a.scopes), provider);
    OAuth2Client client = client(plan);
    LoginStore store = LoginStore.open(satchel.io, tokenFile);
    OAuth2Tokens tokens = device ? device(plan, client, store, account) : browser(plan, client, store, email, account);
    if (tokens.refreshToken() == null) {
      String hint = client.hasClientSecret() ? "" : " (some servers issue none to public clients: try a confidential"
          + " client with --client-secret-env)";
      throw new CliException(ExitCodes.AUTHENTICATION, plan.endpoints().tokenEndpoint() + " signed " + account
          + " in but issued no refresh token to client " + client.clientId() + ", so satchel cannot stay logged in;"
          + " the client must be allowed refresh tokens" + hint);
    }
    MailProvider known = plan.provider();
    // The scopes asked for, not those granted: refreshing asks for them again, as the sign-in did.
    store.save(new StoredLogin(account, client.clientId(), clientSecretEnv, askClientSecret, plan.endpoints().tokenEndpoint(),
        plan.scopes(), known == null ? null : known.id(), plan.tenant(), device ? "device" : "browser", Instant.now()));
    PrintWriter out = satchel.io.out;
    out.println("Logged in as " + account + " at " + plan.name() + " (client " + client.clientId() + ", scopes "
        + String.join(" ", tokens.scopes()) + ").");
    out.println("The refresh token is in " + store.tokenFile() + " (readable by you only); list, fetch, send, sync and"
        + " doctor use it. `satchel logout " + account + "` forgets it.");
  }

  /**
   * The registry's provider for the domain; for another domain (Microsoft 365 and Google Workspace
   * host many under their own names) the one autodiscovery finds, by MX above all. Only OAuth2 facts
   * from the registry are believed: autoconfig files and the ISPDB carry none.
   */
  private @Nullable MailProvider provider(EmailAddress email, Advanced a) {
    MailProviders registry = MailProviders.builtIn();
    MailProvider known = registry.lookup(email.domain()).orElse(null);
    if (known != null || a.tokenEndpoint != null || noDiscovery) {
      return known;
    }
    MailProvider found = Autodiscovery.builder().probing(false).build().discover(email.address())
        .map(Discovery::provider).orElse(null);
    if (found != null && found.oauth2().isPresent()
        && !registry.byId(found.id()).flatMap(MailProvider::oauth2).equals(found.oauth2())) {
      return null;
    }
    return found;
  }

  private OAuth2Client client(LoginPlan plan) {
    String id = clientId;
    if (id == null || id.isBlank()) {
      OAuth2Facts facts = plan.facts();
      String register = facts != null ? " " + facts.note() : "";
      throw new CliException(ExitCodes.USAGE, "give the id of your OAuth2 client with --client-id: " + plan.name()
          + " signs in only apps registered with it." + register);
    }
    OAuth2Client.Builder b = OAuth2Client.builder(id).endpoints(plan.endpoints());
    if (clientSecretEnv != null) {
      String secret = satchel.io.env.get(clientSecretEnv);
      if (secret == null || secret.isBlank()) {
        throw new CliException(ExitCodes.NOT_FOUND, "--client-secret-env: the environment variable " + clientSecretEnv
            + " is not set");
      }
      b.clientSecret(secret);
    } else if (askClientSecret) {
      char[] typed = satchel.io.prompt.ask("Client secret of " + id + ": ");
      if (typed == null || typed.length == 0) {
        throw new CliException(ExitCodes.NOT_FOUND, "--ask-client-secret: no terminal to ask on, or nothing typed;"
            + " use --client-secret-env");
      }
      b.clientSecret(new String(typed));
    }
    return b.build();
  }

  private OAuth2Tokens browser(LoginPlan plan, OAuth2Client client, LoginStore store, EmailAddress email, String account) {
    AuthorizationCodeFlow.Builder flow = AuthorizationCodeFlow.builder(client).scopes(plan.scopes())
        .loginHint(email.address()).timeout(timeout).redirectHost(plan.redirectHost())
        .browser(uri -> show(plan, uri));
    plan.parameters().forEach(flow::parameter);
    return flow.build().authorize(store.tokens(), account);
  }

  /** Prints the sign-in address (always: a browser may not open) and opens it unless {@code --no-browser}. */
  private void show(LoginPlan plan, URI uri) {
    PrintWriter out = satchel.io.out;
    if (noBrowser) {
      out.println("To sign in to " + plan.name() + ", open this address in a browser on this machine:");
    } else {
      out.println("Sign in to " + plan.name() + " in your browser. If no browser window opens, open this address in a"
          + " browser on this machine:");
    }
    out.println("  " + uri);
    out.flush();
    if (!noBrowser && !satchel.io.browser.open(uri)) {
      out.println("(No browser could be opened from here: open the address yourself.)");
    }
    out.println("Waiting up to " + human(timeout) + " for the sign-in...");
    out.flush();
  }

  private OAuth2Tokens device(LoginPlan plan, OAuth2Client client, LoginStore store, String account) {
    DeviceAuthorizationFlow flow = DeviceAuthorizationFlow.builder(client).scopes(plan.scopes()).build();
    DeviceCode code = flow.start();
    PrintWriter out = satchel.io.out;
    out.println("To sign in to " + plan.name() + ", open " + code.verificationUri() + " on any device and enter the code "
        + code.userCode());
    URI complete = code.verificationUriComplete();
    if (complete != null) {
      out.println("(or open " + complete + ", which has the code filled in)");
    }
    String until = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).format(code.expiresAt().atZone(ZoneId.systemDefault()));
    out.println("Waiting until " + until + " for the sign-in...");
    out.flush();
    return flow.await(code, store.tokens(), account);
  }

  private static String human(Duration d) {
    long seconds = d.toSeconds();
    if (seconds >= 60 && seconds % 60 == 0) {
      return seconds / 60 + (seconds == 60 ? " minute" : " minutes");
    }
    return d.toMillis() % 1000 == 0 ? seconds + " s" : d.toMillis() + " ms";
  }
}
