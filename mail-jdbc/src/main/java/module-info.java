/**
 * Satchel's processor state and leases in a relational database, over plain JDBC: {@code
 * JdbcSyncStateStore}, {@code JdbcLeases} and {@code LeasedProcessor}. Ships no JDBC driver; tested on
 * PostgreSQL. Exports {@code dev.satchel.mail.jdbc}.
 */
module dev.satchel.mail.jdbc {
  requires transitive dev.satchel.mail;
  requires transitive java.sql;
  requires static org.jspecify;
  requires org.slf4j;

  exports dev.satchel.mail.jdbc;
}
