package dev.satchel.mail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SyncStateStore#file(Path)}: {@code <key>.state} files, written to a temporary file, forced
 * to disk, then renamed atomically over the old one; the directory is forced after the rename where
 * the platform allows it.
 */
final class FileSyncStateStore implements SyncStateStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileSyncStateStore.class);
  private static final String SUFFIX = ".state";
  private static final String TEMP = ".tmp";

  private final Path directory;
  private final UnaryOperator<OutputStream> writeWrapper;

  FileSyncStateStore(Path directory) {
    this(directory, UnaryOperator.identity());
  }

  /** For tests: {@code writeWrapper} wraps the stream the state is written to (to fail midway). */
  FileSyncStateStore(Path directory, UnaryOperator<OutputStream> writeWrapper) {
    this.directory = directory.toAbsolutePath();
    this.writeWrapper = writeWrapper;
    try {
      Files.createDirectories(this.directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the sync state directory " + this.directory, e);
    }
  }

  @Override
  public Optional<SyncState> load(String key) {
    Path file = file(key);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the sync state " + file, e);
    }
    try {
      return Optional.of(SyncState.parse(text));
    } catch (IllegalArgumentException e) {
      throw new UncheckedIOException("the sync state " + file + " is damaged (" + e.getMessage()
          + "); it was not written by this store's atomic replace, or was edited", new IOException(e));
    }
  }

  @Override
  public synchronized void save(String key, SyncState state) {
    Path file = file(key);
    Path temp = directory.resolve(file.getFileName() + TEMP);
    byte[] bytes = state.serialize().getBytes(StandardCharsets.UTF_8);
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        OutputStream out = writeWrapper.apply(Channels.newOutputStream(channel));
        out.write(bytes);
        out.flush();
        channel.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + directory + " cannot rename atomically; choose another directory", e);
      }
      forceDirectory();
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw new UncheckedIOException("cannot save the sync state " + file + "; the previous state is intact", e);
    }
  }

  /** Removes temporary files a crash left behind; they never hold the current state. */
  void cleanTemporaryFiles() throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(directory, "*" + SUFFIX + TEMP)) {
      for (Path p : s) {
        Files.deleteIfExists(p);
      }
    }
  }

  private void forceDirectory() {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some platforms (Windows) cannot open a directory; the rename itself is still atomic.
      LOG.trace("cannot force directory {}", directory, e);
    }
  }

  Path file(String key) {
    InMemorySyncStateStore.checkKey(key);
    return directory.resolve(encode(key) + SUFFIX);
  }

  /** A file name for any key: letters, digits, '-', '_' and '.' stay; everything else is %XX of UTF-8. */
  static String encode(String key) {
    StringBuilder sb = new StringBuilder();
    ByteBuffer utf8 = StandardCharsets.UTF_8.encode(key);
    while (utf8.hasRemaining()) {
      int b = utf8.get() & 0xFF;
      boolean keep = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-' || b == '_'
          || (b == '.' && sb.length() > 0);
      if (keep) {
        sb.append((char) b);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16))).append(Character.toUpperCase(Character.forDigit(b & 15, 16)));
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "SyncStateStore.file[" + directory + "]";
  }
}
