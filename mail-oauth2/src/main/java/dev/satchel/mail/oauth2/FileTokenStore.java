package dev.satchel.mail.oauth2;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link TokenStore#file(Path)}. */
final class FileTokenStore implements TokenStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileTokenStore.class);
  private static final int VERSION = 1;
  private static final long MAX_FILE_BYTES = 16L << 20;
  private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
  /** One lock per file, shared by every store on it in this JVM. */
  private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private final Path file;
  private final Path directory;
  private final Object lock;
  private final boolean posix;

  FileTokenStore(Path file) {
    this.file = file.toAbsolutePath().normalize();
    Path parent = this.file.getParent();
    if (parent == null) {
      throw new IllegalArgumentException("the token store needs a file, not a root directory: " + file);
    }
    this.directory = parent;
    this.lock = LOCKS.computeIfAbsent(this.file, f -> new Object());
    this.posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        && this.file.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  @Override
  public Optional<String> refreshToken(String account) {
    InMemoryTokenStore.checkAccount(account);
    synchronized (lock) {
      return Optional.ofNullable(read().get(account));
    }
  }

  @Override
  public void save(String account, String refreshToken) {
    InMemoryTokenStore.checkAccount(account);
    InMemoryTokenStore.checkToken(refreshToken);
    synchronized (lock) {
      Map<String, String> tokens = read();
      tokens.put(account, refreshToken);
      write(tokens);
    }
  }

  @Override
  public void remove(String account) {
    InMemoryTokenStore.checkAccount(account);
    synchronized (lock) {
      Map<String, String> tokens = read();
      if (tokens.remove(account) != null) {
        write(tokens);
      }
    }
  }

  private Map<String, String> read() {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw damaged("it is larger than " + MAX_FILE_BYTES + " bytes");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new TreeMap<>();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the token store " + file, e);
    }
    warnIfOthersMayRead();
    Object json;
    try {
      json = JSON.std.anyFrom(bytes);
    } catch (JsonProcessingException e) {
      // The parser's own message quotes the file: it could hold a token, so only the position goes on.
      var at = e.getLocation();
      String where = at == null ? "" : " near line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw damaged("it is not valid JSON" + where);
    } catch (IOException e) {
      throw damaged("it is not valid JSON");
    }
    if (!(json instanceof Map<?, ?> root)) {
      throw damaged("it is not a JSON object");
    }
    Object version = root.get("version");
    if (!(version instanceof Number n) || n.intValue() != VERSION) {
      throw damaged("its \"version\" is not " + VERSION);
    }
    if (!(root.get("refreshTokens") instanceof Map<?, ?> stored)) {
      throw damaged("it has no \"refreshTokens\" object");
    }
    Map<String, String> tokens = new TreeMap<>();
    for (Map.Entry<?, ?> e : stored.entrySet()) {
      if (!(e.getValue() instanceof String token) || token.isBlank()) {
        throw damaged("the refresh token of account \"" + e.getKey() + "\" is not a string");
      }
      tokens.put(String.valueOf(e.getKey()), token);
    }
    return tokens;
  }

  private UncheckedIOException damaged(String why) {
    return new UncheckedIOException("the token store " + file + " is damaged: " + why
        + "; remove it (the accounts in it must sign in again)", new IOException("damaged token store " + file));
  }

  private void warnIfOthersMayRead() {
    if (!posix) {
      return;
    }
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      permissions.removeAll(OWNER_FILE);
      permissions.remove(PosixFilePermission.OWNER_EXECUTE);
      if (!permissions.isEmpty()) {
        LOG.warn("the token store {} may be read by others ({}); it is rewritten owner-only (rw-------) at the next save",
            file, PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      }
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("cannot read the permissions of {}", file, e);
    }
  }

  private void write(Map<String, String> tokens) {
    Path temp = null;
    try {
      if (!Files.isDirectory(directory)) {
        if (posix) {
          Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
        } else {
          Files.createDirectories(directory);
        }
      }
      byte[] json = JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT)
          .asBytes(Map.of("version", VERSION, "refreshTokens", new TreeMap<>(tokens)));
      FileAttribute<?>[] ownerOnly = posix
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)} : new FileAttribute<?>[0];
      // Created with owner-only permissions, never widened: no moment exists when others could read it.
      temp = Files.createTempFile(directory, "." + file.getFileName(), ".tmp", ownerOnly);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(json);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + directory + " cannot rename atomically; choose another place", e);
      }
      temp = null;
      forceDirectory(directory);
    } catch (IOException e) {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      throw new UncheckedIOException("cannot save the token store " + file + "; the previous file is intact", e);
    }
  }

  private static void forceDirectory(Path directory) {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some platforms (Windows) cannot open a directory; the rename itself is still atomic.
      LOG.trace("cannot force directory {}", directory, e);
    }
  }

  @Override
  public String toString() {
    return "TokenStore.file[" + file + "]";
  }
}
