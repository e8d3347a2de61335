package dev.satchel.mail.oauth2;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where an authorization server takes requests.
 *
 * <pre>{@code
 * OAuth2Endpoints google = OAuth2Endpoints.google();
 * OAuth2Endpoints own = new OAuth2Endpoints(URI.create("https://login.example/token"), null, null);
 * }</pre>
 *
 * @param tokenEndpoint where tokens are issued (every grant)
 * @param authorizationEndpoint where a browser signs the user in ({@link AuthorizationCodeFlow}), or
 *     null
 * @param deviceAuthorizationEndpoint where a device asks for a user code
 *     ({@link DeviceAuthorizationFlow}, RFC 8628), or null
 */
public record OAuth2Endpoints(URI tokenEndpoint, @Nullable URI authorizationEndpoint,
    @Nullable URI deviceAuthorizationEndpoint) {

  private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "[::1]", "[0:0:0:0:0:0:0:1]", "localhost");

  /**
   * Checks the endpoints.
   *
   * @throws IllegalArgumentException naming the endpoint and the URI when one is not an absolute
   *     {@code https} URI (plain {@code http} is allowed only to a loopback address, 127.0.0.1,
   *     ::1 or localhost, for tests), carries user info or has a fragment
   */
  public OAuth2Endpoints {
    Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    check("tokenEndpoint", tokenEndpoint);
    if (authorizationEndpoint != null) {
      check("authorizationEndpoint", authorizationEndpoint);
    }
    if (deviceAuthorizationEndpoint != null) {
      check("deviceAuthorizationEndpoint", deviceAuthorizationEndpoint);
    }
  }

  /** Only a token endpoint: enough for client credentials and refreshing. */
  public static OAuth2Endpoints of(URI tokenEndpoint) {
    return new OAuth2Endpoints(tokenEndpoint, null, null);
  }

  /**
   * Microsoft identity platform (v2.0) endpoints of a tenant.
   *
   * @param tenant the directory (tenant) id or a domain of it, or {@code common},
   *     {@code organizations} or {@code consumers}
   * @throws IllegalArgumentException when the tenant is blank or has characters other than letters,
   *     digits, '.' and '-'
   */
  public static OAuth2Endpoints microsoft(String tenant) {
    if (tenant.isBlank() || !tenant.matches("[A-Za-z0-9.-]+")) {
      throw new IllegalArgumentException("tenant must be a tenant id, a domain, common, organizations or consumers, was \""
          + tenant + "\"");
    }
    String base = "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/";
    return new OAuth2Endpoints(URI.create(base + "token"), URI.create(base + "authorize"), URI.create(base + "devicecode"));
  }

  /** Google's endpoints (Gmail scopes are not allowed in Google's device flow). */
  public static OAuth2Endpoints google() {
    return new OAuth2Endpoints(URI.create("https://oauth2.googleapis.com/token"),
        URI.create("https://accounts.google.com/o/oauth2/v2/auth"), URI.create("https://oauth2.googleapis.com/device/code"));
  }

  /** These endpoints with another authorization endpoint. */
  public OAuth2Endpoints withAuthorizationEndpoint(URI endpoint) {
    return new OAuth2Endpoints(tokenEndpoint, endpoint, deviceAuthorizationEndpoint);
  }

  /** These endpoints with another device authorization endpoint. */
  public OAuth2Endpoints withDeviceAuthorizationEndpoint(URI endpoint) {
    return new OAuth2Endpoints(tokenEndpoint, authorizationEndpoint, endpoint);
  }

  private static void check(String name, URI uri) {
    if (uri.getRawUserInfo() != null) {
      // Never repeat the user info: it may be a password.
      throw new IllegalArgumentException(name + " must not carry user info (credentials) in the URI, was "
          + uri.getScheme() + "://***@" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + uri.getRawPath());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || uri.getHost() == null || uri.isOpaque()) {
      throw new IllegalArgumentException(name + " must be an absolute https URI with a host, was " + uri);
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException(name + " must not have a fragment, was " + uri);
    }
    boolean loopback = LOOPBACK_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT));
    if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
      throw new IllegalArgumentException(name + " must use https (plain http only to a loopback address: 127.0.0.1, ::1, "
          + "localhost), was " + uri);
    }
  }
}
