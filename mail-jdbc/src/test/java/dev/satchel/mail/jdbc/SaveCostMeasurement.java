package dev.satchel.mail.jdbc;

import dev.satchel.mail.SyncState;
import dev.satchel.mail.SyncStateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Not a test: measures what an {@link dev.satchel.mail.InboxProcessor} that saves after every message
 * ({@code stateSaveInterval(Duration.ZERO)}) costs with each store, over a first run of N messages:
 * save i writes a state of i handled messages. Prints rows per save and milliseconds per save for the
 * JDBC store on the harness's PostgreSQL (over one reused connection, as from a pool) and for the file
 * store on the same disk. Run from mail-jdbc
 * with the test class path: {@code java -cp ... dev.satchel.mail.jdbc.SaveCostMeasurement [N]}.
 */
final class SaveCostMeasurement {
  private SaveCostMeasurement() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000; // second argument "jdbc-only": skip the file store
    DataSource db = Postgres.dataSource();
    String prefix = Postgres.uniquePrefix();
    try {
      JdbcSyncStateStore.builder(db).tablePrefix(prefix).createSchema(true).build();
      DataSource pooled = ((DriverDataSource) db).reusingOneConnection();
      JdbcSyncStateStore jdbc = JdbcSyncStateStore.builder(pooled).tablePrefix(prefix).build();
      run("jdbc", jdbc, n, jdbc);
      if (args.length > 1 && args[1].equals("jdbc-only")) {
        return;
      }
      Path dir = Files.createTempDirectory(Path.of(System.getProperty("measure.dir", "target")).toAbsolutePath(), "file-store");
      run("file", SyncStateStore.file(dir), n, null);
    } finally {
      Postgres.drop(db, prefix);
    }
  }

  private static void run(String name, SyncStateStore store, int n, JdbcSyncStateStore rows) {
    Map<String, Set<String>> known = new TreeMap<>();
    long total = 0;
    long lastThousand = 0;
    long rowsBefore = rows == null ? 0 : rows.rowsWritten();
    long rowsLastThousandStart = 0;
    for (int i = 1; i <= n; i++) {
      known.put(String.format("imap:1700000000/%06d", i), Set.of("handled=" + (1_733_356_800L + i)));
      SyncState state = new SyncState("INBOX", OptionalLong.of(1_700_000_000L), OptionalLong.empty(), OptionalLong.empty(), known);
      if (i == n - 999 && rows != null) {
        rowsLastThousandStart = rows.rowsWritten();
      }
      long t0 = System.nanoTime();
      store.save("measure", state);
      long dt = System.nanoTime() - t0;
      total += dt;
      if (i > n - 1000) {
        lastThousand += dt;
      }
    }
    int lastBytes = new SyncState("INBOX", OptionalLong.of(1_700_000_000L), OptionalLong.empty(), OptionalLong.empty(), known)
        .serialize().length();
    String rowInfo = rows == null ? "whole state rewritten per save, " + lastBytes + " bytes at the end, about "
        + (long) lastBytes * n / 2 / 1_000_000 + " MB written in all"
        : String.format("%.2f rows/save overall, %.2f rows/save in the last 1,000", (rows.rowsWritten() - rowsBefore) / (double) n,
            (rows.rowsWritten() - rowsLastThousandStart) / 1000.0);
    System.out.printf("%s: %d saves, total %.1f s, %.3f ms/save overall, %.3f ms/save for the last 1,000 (state of ~%d messages); %s%n",
        name, n, total / 1e9, total / 1e6 / n, lastThousand / 1e6 / 1000, n, rowInfo);
  }
}
