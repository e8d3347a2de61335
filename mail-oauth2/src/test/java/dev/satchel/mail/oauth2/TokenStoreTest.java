package dev.satchel.mail.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {
  @TempDir
  Path dir;

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  @Test
  void inMemoryStoreSavesReplacesAndRemoves() {
    TokenStore store = TokenStore.inMemory();
    assertThat(store.refreshToken("alice")).isEmpty();
    store.save("alice", "r1");
    store.save("alice", "r2");
    assertThat(store.refreshToken("alice")).contains("r2");
    store.remove("alice");
    store.remove("alice");
    assertThat(store.refreshToken("alice")).isEmpty();
    assertThatThrownBy(() -> store.save(" ", "r")).hasMessageContaining("account");
  }

  @Test
  void fileStoreKeepsTokensAcrossInstancesAndHidesThemInToString() {
    Path file = dir.resolve("tokens.json");
    TokenStore store = TokenStore.file(file);
    store.save("alice@example.test", "refresh-alice-secret");
    store.save("bob@example.test", "refresh-bob-secret");
    store.remove("bob@example.test");
    TokenStore again = TokenStore.file(file);
    assertThat(again.refreshToken("alice@example.test")).contains("refresh-alice-secret");
    assertThat(again.refreshToken("bob@example.test")).isEmpty();
    assertThat(again.toString()).contains(file.getFileName().toString()).doesNotContain("refresh-alice-secret");
  }

  @Test
  void createsTheFileAndItsMissingDirectoriesOwnerOnly() throws Exception {
    assumeTrue(posix(), "POSIX permissions");
    Path file = dir.resolve("new").resolve("deeper").resolve("tokens.json");
    TokenStore.file(file).save("alice", "r1");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent().getParent()))).isEqualTo("rwx------");
  }

  @Test
  void rewritesAFileOthersCouldReadOwnerOnly() throws Exception {
    assumeTrue(posix(), "POSIX permissions");
    Path file = dir.resolve("tokens.json");
    TokenStore store = TokenStore.file(file);
    store.save("alice", "r1");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    store.save("alice", "r2");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void replacesTheFileAtomicallyByRenameLeavingNoTemporaryFile() throws Exception {
    Path file = dir.resolve("tokens.json");
    TokenStore store = TokenStore.file(file);
    store.save("alice", "r1");
    Object before = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    store.save("alice", "r2");
    Object after = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    if (before != null) {
      assertThat(after).as("a new file renamed over the old one, not the old one rewritten").isNotEqualTo(before);
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("tokens.json");
    }
    assertThat(Files.readString(file)).contains("\"version\"").contains("r2").doesNotContain("r1");
  }

  @Test
  void manyThreadsOnTwoStoresOfOneFileLoseNoAccount() throws Exception {
    Path file = dir.resolve("tokens.json");
    TokenStore[] stores = {TokenStore.file(file), TokenStore.file(dir.resolve(".").resolve("tokens.json"))};
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      done.add(pool.submit(() -> {
        go.await();
        for (int i = 0; i < 20; i++) {
          stores[thread % 2].save("account-" + thread, "token-" + thread + "-" + i);
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    TokenStore reader = TokenStore.file(file);
    for (int t = 0; t < 8; t++) {
      assertThat(reader.refreshToken("account-" + t)).contains("token-" + t + "-19");
    }
  }

  @Test
  void aCorruptFileIsNamedButItsContentIsNotShown() throws Exception {
    Path file = dir.resolve("tokens.json");
    Files.writeString(file, "{\"version\":1,\"refreshTokens\":{\"alice\": leaked-refresh-token-value", StandardCharsets.UTF_8);
    TokenStore store = TokenStore.file(file);
    assertThatThrownBy(() -> store.refreshToken("alice"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("damaged")
        .hasMessageNotContaining("leaked-refresh-token-value")
        .satisfies(e -> {
          for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            assertThat(String.valueOf(c.getMessage())).doesNotContain("leaked-refresh-token-value");
          }
        });
    Files.writeString(file, "[\"leaked-refresh-token-value\"]", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> store.save("bob", "r")).hasMessageContaining("not a JSON object")
        .hasMessageNotContaining("leaked-refresh-token-value");
    assertThat(Files.readString(file)).as("a damaged file is left alone").contains("leaked-refresh-token-value");
  }
}
