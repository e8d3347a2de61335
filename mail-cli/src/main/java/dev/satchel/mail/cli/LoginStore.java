package dev.satchel.mail.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.oauth2.TokenStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The logins of {@code satchel login}, in two files side by side: the token file (a
 * {@link TokenStore#file} of refresh tokens, owner-only) and the logins file, {@code <name>.logins.json}
 * beside it, with what refreshing needs and nothing secret ({@link StoredLogin}):
 * {@code {"version":1,"logins":{"alice@example.com":{"clientId":...}}}}. Both are keyed by the address
 * with its domain in lower case, and both are written owner-only and replaced atomically.
 */
final class LoginStore {
  private static final int VERSION = 1;
  private static final long MAX_BYTES = 1L << 20;

  private final Path tokenFile;
  private final Path loginsFile;
  private final Path directory;
  private final TokenStore tokens;

  private LoginStore(Path tokenFile) {
    this.tokenFile = tokenFile.toAbsolutePath().normalize();
    Path parent = this.tokenFile.getParent();
    if (parent == null || this.tokenFile.getFileName() == null) {
      throw new CliException(ExitCodes.USAGE, "the token file must be a file, not a root directory: " + tokenFile);
    }
    this.directory = parent;
    String name = this.tokenFile.getFileName().toString();
    String stem = name.toLowerCase(Locale.ROOT).endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    this.loginsFile = this.tokenFile.resolveSibling(stem + ".logins.json");
    this.tokens = TokenStore.file(this.tokenFile);
  }

  /** The store the options name ({@code --token-file}, {@code $SATCHEL_TOKEN_FILE}, the default). */
  static LoginStore open(Io io, TokenFileOption option) {
    return new LoginStore(option.path(io));
  }

  /** The key of {@code address}: as typed, with the domain in lower case. */
  static String key(EmailAddress address) {
    return address.localPart() + "@" + address.domain().toLowerCase(Locale.ROOT);
  }

  Path tokenFile() {
    return tokenFile;
  }

  Path loginsFile() {
    return loginsFile;
  }

  /** The refresh tokens. */
  TokenStore tokens() {
    return tokens;
  }

  /**
   * The login stored for {@code address}, if any.
   *
   * @throws CliException when a file cannot be read or is damaged, or the login has lost its refresh token
   */
  Optional<StoredLogin> find(EmailAddress address) {
    String key = key(address);
    Object entry = read().get(key);
    if (entry == null) {
      return Optional.empty();
    }
    StoredLogin login;
    try {
      login = StoredLogin.fromJson(key, (Map<?, ?>) entry);
    } catch (IllegalArgumentException e) {
      throw damaged(String.valueOf(e.getMessage()));
    }
    if (refreshToken(key).isEmpty()) {
      throw new CliException(ExitCodes.NOT_FOUND, "the login of " + key + " has no refresh token in " + tokenFile
          + " any more; run `satchel login " + key + "` again");
    }
    return Optional.of(login);
  }

  /** Saves {@code login} in the logins file (the refresh token is saved by the sign-in flow). */
  void save(StoredLogin login) {
    Map<String, Object> logins = read();
    logins.put(login.account(), login.json());
    write(logins);
  }

  /** Forgets {@code address}'s login and refresh token; false when neither was stored. */
  boolean remove(EmailAddress address) {
    String key = key(address);
    boolean hadToken = refreshToken(key).isPresent();
    if (hadToken) {
      try {
        tokens.remove(key);
      } catch (RuntimeException e) {
        throw new CliException(ExitCodes.LOCAL_IO, Satchel.oneLine(e.getMessage()), e);
      }
    }
    Map<String, Object> logins = read();
    boolean hadLogin = logins.remove(key) != null;
    if (hadLogin) {
      write(logins);
    }
    return hadToken || hadLogin;
  }

  private Optional<String> refreshToken(String key) {
    try {
      return tokens.refreshToken(key);
    } catch (RuntimeException e) {
      // a damaged token file: its message names the file, never its content
      throw new CliException(ExitCodes.LOCAL_IO, Satchel.oneLine(e.getMessage()), e);
    }
  }

  private Map<String, Object> read() {
    byte[] bytes;
    try {
      if (Files.size(loginsFile) > MAX_BYTES) {
        throw damaged("it is larger than " + MAX_BYTES + " bytes");
      }
      bytes = Files.readAllBytes(loginsFile);
    } catch (NoSuchFileException e) {
      return new TreeMap<>();
    } catch (IOException e) {
      throw new CliException(ExitCodes.LOCAL_IO, "cannot read the logins file " + loginsFile + ": " + e, e);
    }
    Map<String, Object> root;
    try {
      root = JSON.std.mapFrom(bytes);
    } catch (IOException e) {
      throw damaged("it is not JSON");
    }
    if (!(root.get("version") instanceof Number n) || n.intValue() != VERSION) {
      throw damaged("its \"version\" is not " + VERSION);
    }
    if (!(root.get("logins") instanceof Map<?, ?> logins)) {
      throw damaged("it has no \"logins\" object");
    }
    Map<String, Object> out = new TreeMap<>();
    logins.forEach((k, v) -> {
      if (!(v instanceof Map<?, ?>)) {
        throw damaged("the login of \"" + k + "\" is not an object");
      }
      out.put(String.valueOf(k), v);
    });
    return out;
  }

  private CliException damaged(String why) {
    return new CliException(ExitCodes.LOCAL_IO, "the logins file " + loginsFile + " is damaged: " + why
        + "; remove it and " + tokenFile.getFileName() + " beside it, then run `satchel login` again");
  }

  /** Replaces the logins file: an owner-only temporary file in the same directory, renamed over it. */
  private void write(Map<String, Object> logins) {
    boolean posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
    Path temp = null;
    try {
      if (!Files.isDirectory(directory)) {
        Files.createDirectories(directory, posix
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
            : new FileAttribute<?>[0]);
      }
      byte[] json = JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asBytes(Map.of("version", VERSION, "logins", logins));
      temp = Files.createTempFile(directory, "." + loginsFile.getFileName(), ".tmp", posix
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
          : new FileAttribute<?>[0]);
      try (OutputStream out = Files.newOutputStream(temp)) {
        out.write(json);
      }
      try {
        Files.move(temp, loginsFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, loginsFile, StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
    } catch (IOException e) {
      throw new CliException(ExitCodes.LOCAL_IO, "cannot write the logins file " + loginsFile + ": " + e, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // best effort: a stray temporary file holds nothing secret
        }
      }
    }
  }
}
