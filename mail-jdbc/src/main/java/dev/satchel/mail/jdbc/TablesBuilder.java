package dev.satchel.mail.jdbc;

import java.util.Objects;
import javax.sql.DataSource;

/**
 * What the builders of {@link JdbcSyncStateStore} and {@link JdbcLeases} share: the data source, the
 * table prefix, and whether to create the schema.
 *
 * @param <B> the concrete builder, returned for chaining
 */
abstract class TablesBuilder<B extends TablesBuilder<B>> {
  private final DataSource dataSource;
  private String prefix = JdbcTables.DEFAULT_PREFIX;
  private boolean createSchema;

  TablesBuilder(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  abstract B self();

  /**
   * The prefix of the table names: default {@code "satchel_"} (tables {@code satchel_sync_state},
   * {@code satchel_sync_message} and {@code satchel_lease}). May start with a schema name and a dot
   * ({@code "mail.satchel_"}). The store and the leases of one application must use the same prefix.
   *
   * @param prefix empty, or letters, digits and '_' (not starting with a digit), optionally after a schema name and a dot
   * @return this builder
   * @throws IllegalArgumentException when it holds anything else
   */
  public B tablePrefix(String prefix) {
    this.prefix = JdbcTables.checkPrefix(prefix);
    return self();
  }

  /**
   * Whether {@code build()} creates the tables that are missing: all of {@code
   * dev/satchel/mail/jdbc/schema-postgresql.sql} (state and lease tables), in one transaction; existing
   * tables are left alone, so it is safe on every start. Default false: the schema is the
   * application's to manage, for example with Flyway from the same file.
   *
   * @param create true to create missing tables
   * @return this builder
   */
  public B createSchema(boolean create) {
    this.createSchema = create;
    return self();
  }

  /** The tables as configured, created first when asked. */
  JdbcTables tables() {
    JdbcTables tables = new JdbcTables(dataSource, prefix);
    if (createSchema) {
      tables.createSchema();
    }
    return tables;
  }
}
