-- Satchel mail-jdbc schema: processor state and leases. Tested on PostgreSQL 15.
-- Idempotent: every statement may run again on an existing schema. Statements end with ';' at the
-- end of a line. The table prefix "satchel_" is replaced by the configured prefix (tablePrefix on
-- the builders) wherever a name starts with it.
--
-- Standard SQL except where noted: TEXT (PostgreSQL, MySQL, SQLite, H2 have it; elsewhere use a
-- CLOB or a long VARCHAR), CREATE TABLE IF NOT EXISTS (PostgreSQL 9.1+, MySQL, SQLite, H2;
-- not in the SQL standard).

-- One row per state key: the folder's header values from SyncState, and a version that every save
-- increments (a store diffs against the state it saved last only when the version is still its own).
CREATE TABLE IF NOT EXISTS satchel_sync_state (
  state_key       VARCHAR(1000) NOT NULL PRIMARY KEY,
  folder          TEXT          NOT NULL,
  uid_validity    BIGINT,
  uid_next        BIGINT,
  highest_mod_seq BIGINT,
  version         BIGINT        NOT NULL,
  saved_at        TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row per known message of a state: its id (Uid.asString(): an IMAP UID with its UIDVALIDITY,
-- or a POP3 UIDL string) and its tokens (flags and the processor's records, space separated, '' for none).
CREATE TABLE IF NOT EXISTS satchel_sync_message (
  state_key  VARCHAR(1000) NOT NULL,
  message_id VARCHAR(1000) NOT NULL,
  tokens     TEXT          NOT NULL,
  PRIMARY KEY (state_key, message_id)
);

-- One row per lease key, kept after release so that the fencing token only ever grows. owner is
-- NULL while nobody holds it; expires_at is on the database's clock.
CREATE TABLE IF NOT EXISTS satchel_lease (
  lease_key   VARCHAR(1000) NOT NULL PRIMARY KEY,
  owner       VARCHAR(200),
  token       BIGINT        NOT NULL,
  acquired_at TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
