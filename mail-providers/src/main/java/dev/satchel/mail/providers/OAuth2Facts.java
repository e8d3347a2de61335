package dev.satchel.mail.providers;

import dev.satchel.mail.Protocol;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a provider's own documentation says about logging in to its mail servers with OAuth2: where to
 * send the user and fetch tokens, which scopes each protocol needs, which SASL mechanism carries the
 * token, and what else must be arranged first (in {@link #note()}, in plain words).
 *
 * <pre>{@code
 * OAuth2Facts ms = MailProviders.builtIn().byId("microsoft365").orElseThrow().oauth2().orElseThrow();
 * ms.authorizationEndpoint();   // https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize
 * ms.scopes(Protocol.IMAP);     // [https://outlook.office.com/IMAP.AccessAsUser.All, offline_access]
 * ms.forTenant("contoso.onmicrosoft.com").tokenEndpoint();
 *                               // https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token
 * }</pre>
 *
 * <p>There is no client ID here: every provider wants your own client registration, and the note says
 * what it takes. Immutable and thread-safe.
 *
 * <p><b>Microsoft tenants.</b> Microsoft's endpoints carry a tenant as the first path segment
 * ({@link #tenant()}): {@code common} accepts both personal Microsoft accounts and work or school
 * accounts, {@code consumers} only personal accounts (Outlook.com, Hotmail, Live), {@code organizations}
 * only work or school accounts of any Microsoft Entra tenant, and a tenant ID (a GUID) or one of the
 * tenant's domains only that tenant. The built-in Outlook.com entry uses {@code consumers} and the
 * Microsoft 365 entry {@code organizations}, so that the sign-in page offers the right kind of account.
 * An app registered for a single tenant, and app-only access (client credentials), need that
 * tenant's own ID or domain: use {@link #forTenant(String)}.
 *
 * @param authorizationEndpoint where the user signs in and consents (RFC 6749 section 3.1); https
 * @param tokenEndpoint where codes and refresh tokens are exchanged for access tokens; https
 * @param deviceAuthorizationEndpoint the device authorization endpoint (RFC 8628), when the provider
 *     documents one
 * @param deviceFlowGrantsMail true when the device flow may be granted the mail scopes; false when it
 *     refuses them (Google: {@code invalid_scope}) or has no endpoint
 * @param scopes the scopes to request for each protocol that takes OAuth2, in the provider's order;
 *     a protocol missing here takes no OAuth2 login
 * @param appOnlyScopes the scopes for app-only access without a signed-in user (client credentials);
 *     empty when the provider documents none
 * @param mechanisms the SASL mechanisms the servers take the token with: {@code XOAUTH2} and/or
 *     {@code OAUTHBEARER} (RFC 7628)
 * @param tenant the tenant in Microsoft's endpoint paths, empty for providers without tenants
 * @param note what must be arranged before the first login, in plain words
 * @param source the provider's page these facts come from; https
 */
public record OAuth2Facts(
    URI authorizationEndpoint,
    URI tokenEndpoint,
    Optional<URI> deviceAuthorizationEndpoint,
    boolean deviceFlowGrantsMail,
    Map<Protocol, List<String>> scopes,
    List<String> appOnlyScopes,
    List<String> mechanisms,
    Optional<String> tenant,
    String note,
    URI source) {

  /** The SASL mechanisms that carry an OAuth2 token. */
  static final Set<String> KNOWN_MECHANISMS = Set.of("XOAUTH2", "OAUTHBEARER");

  /** RFC 6749 section 3.3: a scope token is printable ASCII without space, quote or backslash. */
  private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

  /** A tenant: a name such as {@code organizations}, a GUID, or a domain. */
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?");

  /**
   * Validates and copies the facts.
   *
   * @throws IllegalArgumentException naming the value when an endpoint or the source is not an absolute
   *     https URI; when no protocol has scopes, a scope list is empty or a scope is not a valid scope
   *     token; when a mechanism is not {@code XOAUTH2} or {@code OAUTHBEARER}; when
   *     {@code deviceFlowGrantsMail} is true without a device endpoint; when the note is blank; or when
   *     a tenant is given but is not the first path segment of every endpoint
   */
  public OAuth2Facts {
    Objects.requireNonNull(deviceAuthorizationEndpoint, "deviceAuthorizationEndpoint");
    Objects.requireNonNull(tenant, "tenant");
    requireHttps("authorization endpoint", authorizationEndpoint);
    requireHttps("token endpoint", tokenEndpoint);
    deviceAuthorizationEndpoint.ifPresent(u -> requireHttps("device authorization endpoint", u));
    requireHttps("OAuth2 source", source);
    if (deviceFlowGrantsMail && deviceAuthorizationEndpoint.isEmpty()) {
      throw new IllegalArgumentException("deviceFlowGrantsMail is true but there is no device authorization endpoint");
    }
    Objects.requireNonNull(scopes, "scopes");
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("OAuth2 facts need the scopes of at least one protocol");
    }
    EnumMap<Protocol, List<String>> copy = new EnumMap<>(Protocol.class);
    scopes.forEach((protocol, list) -> {
      Objects.requireNonNull(protocol, "protocol");
      if (list.isEmpty()) {
        throw new IllegalArgumentException("the OAuth2 scopes for " + protocol + " are empty; leave the protocol out instead");
      }
      copy.put(protocol, checkScopes(list));
    });
    scopes = Collections.unmodifiableMap(copy);
    appOnlyScopes = checkScopes(appOnlyScopes);
    Objects.requireNonNull(mechanisms, "mechanisms");
    if (mechanisms.isEmpty()) {
      throw new IllegalArgumentException("OAuth2 facts need at least one SASL mechanism (XOAUTH2 or OAUTHBEARER)");
    }
    for (String m : mechanisms) {
      if (!KNOWN_MECHANISMS.contains(m)) {
        throw new IllegalArgumentException("OAuth2 mechanism must be XOAUTH2 or OAUTHBEARER, was \"" + m + "\"");
      }
    }
    mechanisms = List.copyOf(new LinkedHashSet<>(mechanisms));
    Objects.requireNonNull(note, "note");
    if (note.isBlank()) {
      throw new IllegalArgumentException("the OAuth2 note must not be blank");
    }
    note = note.strip();
    if (tenant.isPresent()) {
      String t = checkTenant(tenant.get());
      requireTenant(t, "authorization endpoint", authorizationEndpoint);
      requireTenant(t, "token endpoint", tokenEndpoint);
      deviceAuthorizationEndpoint.ifPresent(u -> requireTenant(t, "device authorization endpoint", u));
    }
  }

  /** The scopes to request for {@code protocol}; empty when the provider takes no OAuth2 login for it. */
  public List<String> scopes(Protocol protocol) {
    return scopes.getOrDefault(Objects.requireNonNull(protocol, "protocol"), List.of());
  }

  /** True when the provider takes an OAuth2 login for {@code protocol}. */
  public boolean supports(Protocol protocol) {
    return scopes.containsKey(Objects.requireNonNull(protocol, "protocol"));
  }

  /**
   * The scopes of every protocol together, each once, IMAP's first: one consent that covers reading
   * and sending.
   */
  public List<String> allScopes() {
    LinkedHashSet<String> all = new LinkedHashSet<>();
    scopes.values().forEach(all::addAll);
    return List.copyOf(all);
  }

  /**
   * These facts with {@code tenant} in place of {@link #tenant()} in every endpoint path.
   *
   * @param tenant {@code common}, {@code organizations}, {@code consumers}, a tenant ID (GUID) or one
   *     of the tenant's domains, such as {@code contoso.onmicrosoft.com}
   * @throws IllegalArgumentException naming the value when it is not a tenant name, ID or domain
   * @throws IllegalStateException when the provider's endpoints have no tenant (everyone but Microsoft)
   */
  public OAuth2Facts forTenant(String tenant) {
    String t = checkTenant(Objects.requireNonNull(tenant, "tenant"));
    if (this.tenant.isEmpty()) {
      throw new IllegalStateException("these OAuth2 endpoints (" + authorizationEndpoint.getHost()
          + ") have no tenant to replace");
    }
    String old = this.tenant.get();
    return new OAuth2Facts(withTenant(authorizationEndpoint, old, t), withTenant(tokenEndpoint, old, t),
        deviceAuthorizationEndpoint.map(u -> withTenant(u, old, t)), deviceFlowGrantsMail, scopes, appOnlyScopes,
        mechanisms, Optional.of(t), note, source);
  }

  /**
   * Checks a tenant name, ID or domain.
   *
   * @throws IllegalArgumentException naming the value
   */
  static String checkTenant(String tenant) {
    if (!TENANT.matcher(tenant).matches()) {
      throw new IllegalArgumentException("tenant must be common, organizations, consumers, a tenant ID (GUID) or a domain,"
          + " was \"" + tenant + "\"");
    }
    return tenant;
  }

  private static void requireTenant(String tenant, String what, URI uri) {
    if (!tenant.equals(firstSegment(uri))) {
      throw new IllegalArgumentException("the " + what + " must start its path with the tenant \"" + tenant + "\", was \""
          + uri + "\"");
    }
  }

  private static String firstSegment(URI uri) {
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String[] parts = path.split("/", 3);
    return parts.length > 1 ? parts[1] : "";
  }

  private static URI withTenant(URI uri, String old, String tenant) {
    String rest = uri.getRawPath().substring(1 + old.length());
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + "/" + tenant + rest + query);
  }

  /**
   * Checks and copies scope tokens.
   *
   * @throws IllegalArgumentException naming the first bad scope
   */
  static List<String> checkScopes(List<String> scopes) {
    Objects.requireNonNull(scopes, "scopes");
    List<String> out = new ArrayList<>(scopes.size());
    for (String s : scopes) {
      if (s == null || !SCOPE_TOKEN.matcher(s).matches()) {
        throw new IllegalArgumentException("an OAuth2 scope must be printable ASCII without space, '\"' or '\\', was \""
            + s + "\"");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  /**
   * Checks that {@code uri} is an absolute https URI with a host and no user info or fragment.
   *
   * @throws IllegalArgumentException naming {@code what} and the value
   */
  static void requireHttps(String what, URI uri) {
    Objects.requireNonNull(uri, what);
    if (!"https".equals(uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT))
        || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(what + " must be an absolute https URL with a host, was \"" + uri + "\"");
    }
  }
}
