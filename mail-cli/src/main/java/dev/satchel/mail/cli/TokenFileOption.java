package dev.satchel.mail.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code --token-file}: where {@code satchel login} keeps refresh tokens and the other commands find them. */
final class TokenFileOption {
  /** The environment variable that moves the token file when {@code --token-file} is not given. */
  static final String ENV = "SATCHEL_TOKEN_FILE";

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "The token file of 'satchel login' (default: $" + ENV + ", else $XDG_CONFIG_HOME/satchel/tokens.json,"
          + " else ~/.config/satchel/tokens.json). The logins file sits beside it.")
  @Nullable Path file;

  /** The token file: {@code --token-file}, else {@code $SATCHEL_TOKEN_FILE}, else the default. */
  Path path(Io io) {
    if (file != null) {
      return file;
    }
    return defaultPath(io.env, System.getProperty("user.home", "."), System.getProperty("os.name", ""));
  }

  /**
   * {@code $SATCHEL_TOKEN_FILE}, else {@code $XDG_CONFIG_HOME/satchel/tokens.json}, else on Windows
   * {@code %APPDATA%\satchel\tokens.json}, else {@code ~/.config/satchel/tokens.json}.
   */
  static Path defaultPath(Map<String, String> env, String home, String os) {
    String explicit = env.get(ENV);
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "satchel", "tokens.json");
    }
    String appData = env.get("APPDATA");
    if (os.toLowerCase(Locale.ROOT).startsWith("windows") && appData != null && !appData.isBlank()) {
      return Path.of(appData, "satchel", "tokens.json");
    }
    return Path.of(home, ".config", "satchel", "tokens.json");
  }
}
