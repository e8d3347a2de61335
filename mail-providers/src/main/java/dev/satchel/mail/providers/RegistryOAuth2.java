package dev.satchel.mail.providers;

import dev.satchel.mail.Protocol;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@code oauth2-*} keys of one registry section, checked line by line and turned into
 * {@link OAuth2Facts} when the section ends.
 *
 * <p>Keys: {@code oauth2-authorize}, {@code oauth2-token}, {@code oauth2-device} (https URLs; in
 * Microsoft's, {@code {tenant}} as the first path segment, filled from {@code oauth2-tenant}),
 * {@code oauth2-device-mail} ({@code yes|no}), {@code oauth2-scopes-imap|pop3|smtp} and
 * {@code oauth2-app-scopes} (space-separated scopes), {@code oauth2-mechanisms}
 * ({@code XOAUTH2} and/or {@code OAUTHBEARER}), {@code oauth2-note} and {@code oauth2-source} (https).
 */
final class RegistryOAuth2 {
  static final String PREFIX = "oauth2-";
  private static final String TENANT = "{tenant}";
  private static final String MICROSOFT = "https://login.microsoftonline.com/";

  private @Nullable String authorize;
  private @Nullable String token;
  private @Nullable String device;
  private @Nullable Boolean deviceMail;
  private @Nullable String tenant;
  private final Map<Protocol, List<String>> scopes = new EnumMap<>(Protocol.class);
  private List<String> appScopes = List.of();
  private List<String> mechanisms = List.of();
  private @Nullable String note;
  private @Nullable URI source;
  private boolean any;

  /**
   * Takes one {@code oauth2-*} line.
   *
   * @throws IllegalArgumentException naming the key and the value when the value is not valid
   */
  void apply(String key, String value) {
    any = true;
    switch (key) {
      case "oauth2-authorize" -> authorize = endpoint(key, value);
      case "oauth2-token" -> token = endpoint(key, value);
      case "oauth2-device" -> device = endpoint(key, value);
      case "oauth2-device-mail" -> deviceMail = switch (value) {
        case "yes" -> true;
        case "no" -> false;
        default -> throw new IllegalArgumentException(key + " must be yes or no, was \"" + value + "\"");
      };
      case "oauth2-tenant" -> tenant = OAuth2Facts.checkTenant(value);
      case "oauth2-app-scopes" -> appScopes = scopes(key, value);
      case "oauth2-mechanisms" -> mechanisms = mechanisms(value);
      case "oauth2-note" -> note = value;
      case "oauth2-source" -> source = https(key, value);
      default -> {
        if (!key.startsWith(PREFIX + "scopes-")) {
          throw new IllegalArgumentException("unknown key \"" + key + "\"");
        }
        String name = key.substring((PREFIX + "scopes-").length());
        Protocol protocol = switch (name) {
          case "imap" -> Protocol.IMAP;
          case "pop3" -> Protocol.POP3;
          case "smtp" -> Protocol.SMTP;
          default -> throw new IllegalArgumentException("unknown protocol \"" + name + "\" in \"" + key
              + "\"; use oauth2-scopes-imap, oauth2-scopes-pop3 or oauth2-scopes-smtp");
        };
        scopes.put(protocol, scopes(key, value));
      }
    }
  }

  /** True when the section had at least one {@code oauth2-*} line. */
  boolean present() {
    return any;
  }

  /**
   * The facts of the section.
   *
   * @throws IllegalArgumentException naming what is missing or inconsistent
   */
  OAuth2Facts facts() {
    List<String> missing = new ArrayList<>();
    if (authorize == null) {
      missing.add("oauth2-authorize");
    }
    if (token == null) {
      missing.add("oauth2-token");
    }
    if (scopes.isEmpty()) {
      missing.add("oauth2-scopes-imap, -pop3 or -smtp");
    }
    if (mechanisms.isEmpty()) {
      missing.add("oauth2-mechanisms");
    }
    if (note == null) {
      missing.add("oauth2-note");
    }
    if (source == null) {
      missing.add("oauth2-source");
    }
    if (device != null && deviceMail == null) {
      missing.add("oauth2-device-mail (whether the device flow may be granted the mail scopes)");
    }
    if (authorize == null || token == null || note == null || source == null || !missing.isEmpty()) {
      throw new IllegalArgumentException("OAuth2 facts are incomplete: " + String.join(", ", missing) + " missing");
    }
    if (deviceMail != null && device == null) {
      throw new IllegalArgumentException("oauth2-device-mail is given but oauth2-device is not");
    }
    boolean templated = authorize.contains(TENANT) || token.contains(TENANT) || (device != null && device.contains(TENANT));
    if (templated && tenant == null) {
      throw new IllegalArgumentException("the OAuth2 endpoints contain {tenant} but oauth2-tenant is missing");
    }
    if (!templated && tenant != null) {
      throw new IllegalArgumentException("oauth2-tenant is given but no OAuth2 endpoint contains {tenant}");
    }
    String t = tenant;
    Optional<URI> deviceUri = Optional.ofNullable(device).map(d -> fill(d, t));
    return new OAuth2Facts(fill(authorize, t), fill(token, t), deviceUri, Boolean.TRUE.equals(deviceMail), scopes,
        appScopes, mechanisms, Optional.ofNullable(t), note, source);
  }

  private static URI fill(String template, @Nullable String tenant) {
    return URI.create(tenant == null ? template : template.replace(TENANT, tenant));
  }

  /** An endpoint: https, and {@code {tenant}} only as the first path segment of Microsoft's. */
  private static String endpoint(String key, String value) {
    if (value.contains(TENANT)) {
      if (!value.startsWith(MICROSOFT + TENANT + "/") || value.indexOf(TENANT) != value.lastIndexOf(TENANT)) {
        throw new IllegalArgumentException("the {tenant} placeholder belongs only in Microsoft's endpoints, as the first"
            + " path segment (" + MICROSOFT + "{tenant}/...); " + key + " was \"" + value + "\"");
      }
      https(key, value.replace(TENANT, "common"));
      return value;
    }
    https(key, value);
    return value;
  }

  private static URI https(String key, String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(key + " must be an absolute https URL, was \"" + value + "\"", e);
    }
    OAuth2Facts.requireHttps(key, uri);
    return uri;
  }

  private static List<String> scopes(String key, String value) {
    try {
      return OAuth2Facts.checkScopes(List.of(value.split("\\s+")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  private static List<String> mechanisms(String value) {
    List<String> list = new ArrayList<>();
    for (String m : value.split("\\s+")) {
      String upper = m.toUpperCase(Locale.ROOT);
      if (!OAuth2Facts.KNOWN_MECHANISMS.contains(upper)) {
        throw new IllegalArgumentException("oauth2-mechanisms must be XOAUTH2 and/or OAUTHBEARER, was \"" + m + "\"");
      }
      list.add(upper);
    }
    return List.copyOf(list);
  }
}
