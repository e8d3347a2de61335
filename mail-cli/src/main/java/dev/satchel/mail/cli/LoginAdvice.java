package dev.satchel.mail.cli;

import dev.satchel.mail.providers.Authentication;
import dev.satchel.mail.providers.MailProvider;
import java.util.Locale;
import java.util.Optional;

/** What a provider takes as a login secret, in words for {@code doctor} and {@code login}. */
final class LoginAdvice {
  private LoginAdvice() {}

  /** The kind of secret, for example "an app password". */
  static String kind(Authentication a) {
    return switch (a) {
      case PASSWORD -> "the account password";
      case APP_PASSWORD -> "an app password";
      case OAUTH2 -> "OAuth2 only (no password)";
      case AUTHORIZATION_CODE -> "an authorization code from the web settings";
      case NOT_OFFERED -> "nothing: the provider offers no login for mail programs";
    };
  }

  /** The link of the provider's first setup note about its login secret, if any. */
  static Optional<String> secretNote(MailProvider provider) {
    return provider.setupNotes().stream()
        .filter(n -> n.link().isPresent())
        .filter(n -> {
          String t = n.text().toLowerCase(Locale.ROOT);
          return t.contains("password") || t.contains("authorization code");
        })
        .map(n -> n.link().orElseThrow().toString())
        .findFirst();
  }
}
