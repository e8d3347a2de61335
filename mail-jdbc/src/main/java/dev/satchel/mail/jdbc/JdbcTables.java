package dev.satchel.mail.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables of one configuration (a data source and a table prefix): their names, the schema file,
 * and one transaction at a time on a connection of the data source. Thread-safe.
 */
final class JdbcTables {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcTables.class);

  /** The prefix the schema file is written with, and the default. */
  static final String DEFAULT_PREFIX = "satchel_";

  /** The schema file, a resource of this package. */
  static final String SCHEMA_RESOURCE = "schema-postgresql.sql";

  private static final Pattern PREFIX = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*|([A-Za-z_][A-Za-z0-9_]*\\.)");
  private static final Pattern NAME = Pattern.compile("\\b" + DEFAULT_PREFIX);

  final DataSource dataSource;
  final String prefix;
  final String state;
  final String message;
  final String lease;

  JdbcTables(DataSource dataSource, String prefix) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.prefix = checkPrefix(prefix);
    this.state = prefix + "sync_state";
    this.message = prefix + "sync_message";
    this.lease = prefix + "lease";
  }

  /**
   * A table prefix as the builders take it: empty, or letters, digits and '_' not starting with a
   * digit, optionally after a schema name and a dot ({@code "mail.satchel_"}, {@code "mail."}).
   */
  static String checkPrefix(String prefix) {
    if (!prefix.isEmpty() && !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("tablePrefix must be empty or letters, digits and '_' (not starting with a digit),"
          + " optionally after a schema name and a dot, was \"" + prefix + "\"");
    }
    return prefix;
  }

  /** The statements of the schema file, with the prefix put in. */
  List<String> schemaStatements() {
    String text;
    try (InputStream in = JdbcTables.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the schema resource " + SCHEMA_RESOURCE + " is missing from mail-jdbc");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the schema resource " + SCHEMA_RESOURCE, e);
    }
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String sql = current.toString().strip();
        statements.add(NAME.matcher(sql.substring(0, sql.length() - 1)).replaceAll(Matcher.quoteReplacement(prefix)));
        current.setLength(0);
      }
    }
    return statements;
  }

  /**
   * Creates the tables that are missing, in one transaction. Two instances that start at once may
   * collide in PostgreSQL's catalog ({@code CREATE TABLE IF NOT EXISTS} is not safe against a
   * concurrent create); the loser tries once more and then finds the tables.
   *
   * @throws UncheckedIOException when the database refuses
   */
  void createSchema() {
    List<String> statements = schemaStatements();
    SQLException first = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        inTransaction(c -> {
          try (Statement s = c.createStatement()) {
            for (String sql : statements) {
              s.execute(sql);
            }
          }
          return Boolean.TRUE;
        });
        LOG.debug("schema with prefix \"{}\" is in place", prefix);
        return;
      } catch (SQLException e) {
        if (first == null) {
          first = e;
        } else {
          e.addSuppressed(first);
          throw failure("creating the tables " + state + ", " + message + " and " + lease, e);
        }
      }
    }
  }

  /** Work in a transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction on a fresh connection: commits when it returns, rolls back
   * when it throws.
   */
  <T> T inTransaction(Work<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return inTransactionOn(c, work);
    }
  }

  /** Runs {@code work} in one transaction on {@code c}: commits when it returns, rolls back when it throws. */
  static <T> T inTransactionOn(Connection c, Work<T> work) throws SQLException {
    {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        try {
          c.rollback();
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        throw e;
      } finally {
        restore(c, autoCommit);
      }
    }
  }

  /** Gives a pooled connection back as it was lent. */
  private static void restore(Connection c, boolean autoCommit) {
    try {
      c.setAutoCommit(autoCommit);
    } catch (SQLException e) {
      LOG.trace("cannot restore autocommit on a connection that is being closed", e);
    }
  }

  /** A database failure as the {@link dev.satchel.mail.SyncStateStore} contract says: unchecked I/O, naming what failed. */
  static UncheckedIOException failure(String what, SQLException e) {
    return new UncheckedIOException(what + " failed in the database: " + e.getMessage() + " (SQL state " + e.getSQLState() + ")",
        new IOException(e));
  }

  /**
   * Checks a key or name against the column it goes to.
   *
   * @throws IllegalArgumentException when it is blank or longer than {@code max}, naming it (cut at 80 characters)
   */
  static String checkText(String what, String value, int max) {
    if (value.isBlank() || value.length() > max) {
      String shown = value.length() > 80 ? value.substring(0, 80) + "...\" (" + value.length() + " characters)" : value + "\"";
      throw new IllegalArgumentException(what + " must be non-blank and at most " + max + " characters, was \"" + shown);
    }
    return value;
  }

  /** True when {@code e} says a unique or primary key was violated (SQL state class 23: integrity constraint). */
  static boolean isConstraintViolation(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("23");
  }
}
