package dev.satchel.mail.cli;

import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.oauth2.OAuth2Endpoints;
import dev.satchel.mail.providers.Access;
import dev.satchel.mail.providers.Authentication;
import dev.satchel.mail.providers.MailProvider;
import dev.satchel.mail.providers.OAuth2Facts;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * How {@code satchel login} signs an account in: the endpoints, scopes, redirect host and extra
 * parameters, from the provider's OAuth2 facts in the registry and the advanced options that replace
 * them.
 *
 * @param name the provider's name (the domain when the registry does not know it)
 * @param provider the provider, or null for endpoints given on the command line only
 * @param facts the provider's OAuth2 facts (for the tenant given), or null
 * @param endpoints where to sign in and get tokens
 * @param scopes what to ask for
 * @param redirectHost {@code localhost} for Microsoft (its app registrations use {@code http://localhost}),
 *     else {@code 127.0.0.1}
 * @param parameters more authorization request parameters (Google: {@code access_type=offline},
 *     {@code prompt=consent}, without which it issues no refresh token on a second sign-in)
 */
record LoginPlan(String name, @Nullable MailProvider provider, @Nullable OAuth2Facts facts, OAuth2Endpoints endpoints,
    List<String> scopes, String redirectHost, Map<String, String> parameters) {

  private static final String MICROSOFT_LOGIN = "login.microsoftonline.com";
  private static final String GOOGLE_ACCOUNTS = "accounts.google.com";
  static final String OFFLINE_ACCESS = "offline_access";

  /** What the command line said. */
  record Request(EmailAddress address, boolean device, @Nullable String tenant, List<Protocol> protocols,
      @Nullable URI authorizationEndpoint, @Nullable URI tokenEndpoint, @Nullable URI deviceEndpoint, List<String> scopes) {}

  /**
   * Plans the sign-in of {@code request.address()} at {@code provider}.
   *
   * @throws CliException saying what the provider needs instead when it has no OAuth2 sign-in, or
   *     what is wrong with the options
   */
  static LoginPlan of(Request request, @Nullable MailProvider provider) {
    OAuth2Facts facts = provider == null ? null : provider.oauth2().orElse(null);
    if (facts == null && request.tokenEndpoint() == null) {
      throw noOAuth2(request.address(), provider);
    }
    String name = provider != null ? provider.name() : request.address().domain();
    String tenant = request.tenant();
    if (tenant != null) {
      if (facts == null || facts.tenant().isEmpty()) {
        throw new CliException(ExitCodes.USAGE, "--tenant: only Microsoft's endpoints take a tenant, and " + name
            + " has none in the registry");
      }
      try {
        facts = facts.forTenant(tenant);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, "--tenant: " + e.getMessage(), e);
      }
    }
    URI token = request.tokenEndpoint();
    URI authorization = request.authorizationEndpoint();
    URI device = request.deviceEndpoint();
    if (facts != null) {
      token = token != null ? token : facts.tokenEndpoint();
      authorization = authorization != null ? authorization : facts.authorizationEndpoint();
      device = device != null ? device : facts.deviceAuthorizationEndpoint().orElse(null);
    }
    if (token == null) {
      throw noOAuth2(request.address(), provider);
    }
    OAuth2Endpoints endpoints;
    try {
      endpoints = new OAuth2Endpoints(token, authorization, device);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, String.valueOf(e.getMessage()), e);
    }
    if (request.device()) {
      checkDevice(name, facts, request, device);
    } else if (authorization == null) {
      throw new CliException(ExitCodes.USAGE, "no authorization endpoint for the browser sign-in at " + name
          + ": give --authorization-endpoint, or use --device with --device-endpoint");
    }
    List<String> scopes = scopes(name, facts, request);
    boolean microsoft = MICROSOFT_LOGIN.equalsIgnoreCase(token.getHost());
    if (microsoft && !scopes.contains(OFFLINE_ACCESS)) {
      scopes.add(OFFLINE_ACCESS); // without it Microsoft issues no refresh token
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    if (authorization != null && GOOGLE_ACCOUNTS.equalsIgnoreCase(authorization.getHost())) {
      parameters.put("access_type", "offline");
      parameters.put("prompt", "consent");
    }
    return new LoginPlan(name, provider, facts, endpoints, List.copyOf(scopes), microsoft ? "localhost" : "127.0.0.1",
        Map.copyOf(parameters));
  }

  /** The tenant in the endpoints, if any. */
  @Nullable String tenant() {
    return facts == null ? null : facts.tenant().orElse(null);
  }

  private static void checkDevice(String name, @Nullable OAuth2Facts facts, Request request, @Nullable URI device) {
    if (request.deviceEndpoint() == null && facts != null && !facts.deviceFlowGrantsMail()) {
      String why = facts.deviceAuthorizationEndpoint().isPresent()
          ? name + " does not grant the mail scopes (" + String.join(" ", facts.allScopes()) + ") to the device flow"
              + " (its token endpoint answers invalid_scope)"
          : name + " has no device flow";
      throw new CliException(ExitCodes.USAGE, why + "; sign in with the browser instead: run `satchel login "
          + request.address().address() + "` without --device, on a machine where a browser runs (the sign-in comes back"
          + " to 127.0.0.1 on the machine that runs satchel; over SSH, forward the port the printed address names)");
    }
    if (device == null) {
      throw new CliException(ExitCodes.USAGE, "no device authorization endpoint for " + name
          + ": give --device-endpoint, or drop --device to sign in with the browser");
    }
  }

  private static List<String> scopes(String name, @Nullable OAuth2Facts facts, Request request) {
    if (!request.scopes().isEmpty()) {
      return new ArrayList<>(new LinkedHashSet<>(request.scopes()));
    }
    if (facts == null) {
      throw new CliException(ExitCodes.USAGE, "give the scopes to ask for with --scope: the registry has none for " + name);
    }
    if (request.protocols().isEmpty()) {
      return new ArrayList<>(facts.allScopes());
    }
    LinkedHashSet<String> all = new LinkedHashSet<>();
    for (Protocol p : request.protocols()) {
      if (!facts.supports(p)) {
        throw new CliException(ExitCodes.USAGE, name + " takes no OAuth2 login for " + p + "; it does for "
            + facts.scopes().keySet().stream().map(q -> q.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
      }
      all.addAll(facts.scopes(p));
    }
    return new ArrayList<>(all);
  }

  /** Why there is no OAuth2 sign-in for the address, and what it takes instead. */
  private static CliException noOAuth2(EmailAddress address, @Nullable MailProvider provider) {
    String advanced = "give the provider's --token-endpoint, --authorization-endpoint or --device-endpoint, and --scope";
    if (provider == null) {
      return new CliException(ExitCodes.NOT_FOUND, "no OAuth2 sign-in is known for " + address.domain()
          + ": satchel logs in there with a password ($" + AccountOptions.DEFAULT_PASSWORD_ENV + "), or " + advanced);
    }
    if (provider.access() == Access.NONE || provider.authentication() == Authentication.NOT_OFFERED) {
      return new CliException(ExitCodes.NOT_FOUND, provider.name()
          + " offers no IMAP, POP3 or SMTP login at all: only its own apps can read this mailbox");
    }
    if (provider.authentication() == Authentication.OAUTH2) {
      return new CliException(ExitCodes.NOT_FOUND, provider.name() + " takes only OAuth2, but the registry has no OAuth2"
          + " endpoints for it yet: " + advanced);
    }
    String offered = provider.offersOAuth2()
        ? " offers OAuth2, but the registry has no confirmed OAuth2 endpoints for it"
        : " offers no OAuth2 sign-in to mail programs";
    String where = LoginAdvice.secretNote(provider).map(n -> " (" + n + ")").orElse("");
    return new CliException(ExitCodes.NOT_FOUND, provider.name() + offered + ": log in with "
        + LoginAdvice.kind(provider.authentication()) + where + " in $" + AccountOptions.DEFAULT_PASSWORD_ENV
        + " instead, no `satchel login` needed; or " + advanced);
  }
}
