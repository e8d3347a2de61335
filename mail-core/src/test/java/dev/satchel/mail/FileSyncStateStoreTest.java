package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSyncStateStoreTest {
  @TempDir
  Path dir;

  private static SyncState state(int messages) {
    Map<String, Set<String>> known = new HashMap<>();
    for (int i = 0; i < messages; i++) {
      known.put("pop3:id-" + i, Set.of("handled=" + i));
    }
    return new SyncState("INBOX", OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), known);
  }

  @Test
  void savesAndLoadsAcrossInstances() {
    SyncStateStore.file(dir).save("pop3:alice@example.test@pop.example.test:995/INBOX", state(3));
    assertThat(SyncStateStore.file(dir).load("pop3:alice@example.test@pop.example.test:995/INBOX")).contains(state(3));
    assertThat(SyncStateStore.file(dir).load("other")).isEmpty();
  }

  @Test
  void aWriteKilledMidwayLeavesThePreviousStateIntact() {
    new FileSyncStateStore(dir).save("k", state(10));
    FileSyncStateStore failing = new FileSyncStateStore(dir, out -> new FilterOutputStream(out) {
      private int written;

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        int half = len / 2;
        out.write(b, off, half);
        written += half;
        throw new IOException("disk died after " + written + " bytes");
      }
    });
    assertThatThrownBy(() -> failing.save("k", state(1000))).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("previous state is intact");
    assertThat(new FileSyncStateStore(dir).load("k")).contains(state(10));
  }

  @Test
  void aHalfWrittenTemporaryFileFromACrashIsIgnored() throws IOException {
    FileSyncStateStore store = new FileSyncStateStore(dir);
    store.save("k", state(5));
    Path file = store.file("k");
    // What a process killed during write leaves: a truncated temporary file beside the real one.
    String full = state(500).serialize();
    Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), full.substring(0, full.length() / 2), StandardCharsets.UTF_8);
    assertThat(new FileSyncStateStore(dir).load("k")).contains(state(5));
    store.save("k", state(6));
    assertThat(new FileSyncStateStore(dir).load("k")).contains(state(6));
    store.cleanTemporaryFiles();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(file.getFileName().toString());
    }
  }

  @Test
  void aDamagedFileIsReportedNotSilentlyReset() throws IOException {
    FileSyncStateStore store = new FileSyncStateStore(dir);
    Files.writeString(store.file("k"), "satchel-sync-state 1\nfolder\tINBOX\nm\tpop3:x\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> store.load("k")).isInstanceOf(UncheckedIOException.class).hasMessageContaining("damaged");
  }

  @Test
  void keysBecomeSafeFileNames() {
    assertThat(FileSyncStateStore.encode("pop3:a@b:995/INBOX")).isEqualTo("pop3%3Aa%40b%3A995%2FINBOX");
    assertThat(FileSyncStateStore.encode("../etc")).startsWith("%2E");
    assertThatThrownBy(() -> SyncStateStore.inMemory().load(" ")).isInstanceOf(IllegalArgumentException.class);
  }
}
