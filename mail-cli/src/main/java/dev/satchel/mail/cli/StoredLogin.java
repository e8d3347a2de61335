package dev.satchel.mail.cli;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.TokenSource;
import dev.satchel.mail.oauth2.OAuth2Client;
import dev.satchel.mail.oauth2.OAuth2Endpoints;
import dev.satchel.mail.oauth2.RefreshingTokenSource;
import dev.satchel.mail.oauth2.TokenStore;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@code satchel login} remembers about one account besides its refresh token: everything needed
 * to refresh the access token later, and nothing secret. The client secret of a confidential client
 * is never stored: only the name of the environment variable it is read from at use time, or that it
 * is asked for on the terminal.
 *
 * @param account the address the login belongs to (the token store's key)
 * @param clientId the OAuth2 client (application) id
 * @param clientSecretEnv the environment variable holding the client secret, or null
 * @param askClientSecret true when the client secret is asked for on the terminal each time
 * @param tokenEndpoint where the refresh token is exchanged
 * @param scopes the scopes granted at login, asked for again on each refresh
 * @param provider the registry id of the provider, or null for endpoints given on the command line
 * @param tenant the Microsoft tenant, or null
 * @param flow {@code browser} or {@code device}
 * @param loggedInAt when the user signed in
 */
record StoredLogin(String account, String clientId, @Nullable String clientSecretEnv, boolean askClientSecret,
    URI tokenEndpoint, List<String> scopes, @Nullable String provider, @Nullable String tenant, String flow,
    Instant loggedInAt) {

  StoredLogin {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    scopes = List.copyOf(scopes);
    Objects.requireNonNull(flow, "flow");
    Objects.requireNonNull(loggedInAt, "loggedInAt");
  }

  /** The JSON object for the logins file. */
  Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clientId", clientId);
    if (clientSecretEnv != null) {
      m.put("clientSecretEnv", clientSecretEnv);
    }
    if (askClientSecret) {
      m.put("askClientSecret", true);
    }
    m.put("tokenEndpoint", tokenEndpoint.toString());
    m.put("scopes", scopes);
    if (provider != null) {
      m.put("provider", provider);
    }
    if (tenant != null) {
      m.put("tenant", tenant);
    }
    m.put("flow", flow);
    m.put("loggedInAt", loggedInAt.toString());
    return m;
  }

  /**
   * Reads one entry of the logins file.
   *
   * @throws IllegalArgumentException naming the member that is missing or wrong
   */
  static StoredLogin fromJson(String account, Map<?, ?> m) {
    List<String> scopes = m.get("scopes") instanceof List<?> list
        ? list.stream().map(s -> s instanceof String str ? str : fail("scopes")).toList()
        : fail("scopes");
    try {
      return new StoredLogin(account, text(m, "clientId"), optionalText(m, "clientSecretEnv"),
          Boolean.TRUE.equals(m.get("askClientSecret")), URI.create(text(m, "tokenEndpoint")), scopes,
          optionalText(m, "provider"), optionalText(m, "tenant"), text(m, "flow"), Instant.parse(text(m, "loggedInAt")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the login of " + account + " is damaged: " + e.getMessage(), e);
    }
  }

  private static String text(Map<?, ?> m, String name) {
    return m.get(name) instanceof String s && !s.isBlank() ? s : fail(name);
  }

  private static @Nullable String optionalText(Map<?, ?> m, String name) {
    return m.get(name) == null ? null : text(m, name);
  }

  private static <T> T fail(String member) {
    throw new IllegalArgumentException("\"" + member + "\" is missing or not what satchel wrote");
  }

  /**
   * A token source that refreshes with the stored refresh token; a refusal says to log in again.
   *
   * @throws CliException when the client secret's environment variable is not set or no terminal
   *     can ask for it
   */
  TokenSource tokenSource(Io io, TokenStore store) {
    OAuth2Client.Builder client = OAuth2Client.builder(clientId).endpoints(OAuth2Endpoints.of(tokenEndpoint));
    String secret = clientSecret(io);
    if (secret != null) {
      client.clientSecret(secret);
    }
    RefreshingTokenSource source = RefreshingTokenSource.builder(client.build(), store, account).scopes(scopes).build();
    String again = "; run `satchel login " + account + "` again";
    return forceRefresh -> {
      try {
        return source.token(forceRefresh);
      } catch (MailAuthenticationException e) {
        throw new MailAuthenticationException(e.getMessage() + again, e);
      }
    };
  }

  private @Nullable String clientSecret(Io io) {
    if (clientSecretEnv != null) {
      String secret = io.env.get(clientSecretEnv);
      if (secret == null || secret.isBlank()) {
        throw new CliException(ExitCodes.NOT_FOUND, "the login of " + account + " uses client " + clientId
            + ", whose secret satchel reads from the environment variable " + clientSecretEnv + " (never from a file)"
            + "; set it, or run `satchel login " + account + "` again");
      }
      return secret;
    }
    if (askClientSecret) {
      char[] typed = io.prompt.ask("Client secret of " + clientId + " (for " + account + "): ");
      if (typed == null || typed.length == 0) {
        throw new CliException(ExitCodes.NOT_FOUND, "the login of " + account + " asks for the secret of client "
            + clientId + " on the terminal, and there is none; run in a terminal, or log in again with --client-secret-env");
      }
      return new String(typed);
    }
    return null;
  }
}
