package dev.satchel.mail.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * The interop harness's PostgreSQL (interop/harness/postgres.sh, 127.0.0.1:15432) as these tests see
 * it: connection settings from {@code harness.env} (defaults when it has none), the same skip switch
 * as mail-interop ({@code SATCHEL_INTEROP=skip}), and a table prefix of its own per test class so
 * that runs never see each other's rows.
 */
final class Postgres {
  static final String SWITCH = "SATCHEL_INTEROP";

  private Postgres() {}

  /** True when {@code SATCHEL_INTEROP=skip}: the test classes then set nothing up. */
  static boolean skipRequested() {
    String value = System.getenv(SWITCH);
    return value != null && value.trim().equalsIgnoreCase("skip");
  }

  /** For each test: reports it as skipped when {@code SATCHEL_INTEROP=skip}, as mail-interop does. */
  static void assumeNotSkipped() {
    Assumptions.assumeFalse(skipRequested(), SWITCH + "=skip: the tests against the harness's PostgreSQL are skipped on request");
  }

  /** A data source on the harness's database; fails with the fix when it is down. */
  static DataSource dataSource() {
    Properties env = env();
    String host = env.getProperty("MAILHARNESS_HOST", "127.0.0.1");
    int port = Integer.parseInt(env.getProperty("MAILHARNESS_POSTGRES_PORT", "15432").trim());
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
    } catch (IOException e) {
      throw new IllegalStateException("mail-jdbc's tests need the PostgreSQL of interop/harness on " + host + ":" + port
          + ", but nothing answers there. Start it with `sudo interop/harness/start.sh` (or only it: `sudo bash -c '."
          + " interop/harness/common.sh; . interop/harness/postgres.sh; mh_postgres_start'`), or skip with " + SWITCH + "=skip.", e);
    }
    Properties props = new Properties();
    props.setProperty("user", env.getProperty("MAILHARNESS_POSTGRES_USER", "satchel"));
    props.setProperty("password", env.getProperty("MAILHARNESS_POSTGRES_PASSWORD", "satchel-pw"));
    props.setProperty("connectTimeout", "5");
    props.setProperty("loginTimeout", "5");
    props.setProperty("socketTimeout", "60");
    return new DriverDataSource("jdbc:postgresql://" + host + ":" + port + "/"
        + env.getProperty("MAILHARNESS_POSTGRES_DB", "satchel"), props);
  }

  private static Properties env() {
    String dir = System.getenv("MAILHARNESS_DIR");
    Path file = Path.of(dir == null || dir.isBlank() ? "/tmp/mailharness" : dir, "harness.env");
    Properties p = new Properties();
    if (Files.isRegularFile(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return p;
  }

  /** A table prefix no other test run uses: {@code t<random>_}. */
  static String uniquePrefix() {
    return "t" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + "_";
  }

  /** Drops the tables of {@code prefix}. */
  static void drop(DataSource ds, String prefix) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      for (String table : new String[] {"sync_state", "sync_message", "lease"}) {
        s.execute("DROP TABLE IF EXISTS " + prefix + table);
      }
    }
  }

  /** One number from the database, for assertions on rows. */
  static long count(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); var r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Runs one statement, for a test's manual changes (a token bump). */
  static int execute(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    }
  }
}
