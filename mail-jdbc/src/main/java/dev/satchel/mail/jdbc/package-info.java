/**
 * Several instances of a service on one inbox, coordinated through the database they already have:
 * a {@link dev.satchel.mail.SyncStateStore} whose saves write only what changed ({@link
 * dev.satchel.mail.jdbc.JdbcSyncStateStore}), leases with fencing tokens ({@link
 * dev.satchel.mail.jdbc.JdbcLeases}), and a processor that runs only while it holds its lease ({@link
 * dev.satchel.mail.jdbc.LeasedProcessor}).
 *
 * <pre>{@code
 * DataSource db = ...;                                       // a pool, e.g. HikariCP, on PostgreSQL
 * JdbcSyncStateStore store = JdbcSyncStateStore.builder(db).createSchema(true).build();
 * JdbcLeases leases = JdbcLeases.builder(db).build();
 * LeasedProcessor processor = LeasedProcessor.builder(leases, store)
 *     .owner("orders-7f9c")                                  // this instance, unique in the fleet
 *     .processor(InboxProcessor.builder().settings(imap).handler(orders::importFrom)
 *         .afterHandling(AfterHandling.moveTo("Done")))
 *     .build();
 * Optional<InboxProcessor.Report> report = processor.runOnce(); // empty while another instance holds the lease
 * }</pre>
 *
 * <p>Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.satchel.mail.jdbc;

import org.jspecify.annotations.NullMarked;
