package io.onceflow.connectors.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates a job's sink table in {@code Job.open}, safely from many worker threads and processes at
 * once.
 *
 * <p>Why not just {@code CREATE TABLE IF NOT EXISTS}: every worker thread opens its own job
 * instance at start-up, and two concurrent {@code CREATE TABLE IF NOT EXISTS} can both pass the
 * existence check; the loser then fails on the catalog ("type ... already exists", "duplicate key
 * value violates unique constraint pg_type_typname_nsp_index"). Here the creation is serialized by
 * a session advisory lock on the table's name, so exactly one creates it and the others find it.
 */
public final class SinkTable {
  private SinkTable() {}

  /**
   * Creates {@code table} ({@code name} or {@code schema.name}, see {@link SqlIdentifier}) with
   * {@code columns} (the column definitions, as in {@code CREATE TABLE t (columns)}) unless it
   * exists. Works with auto-commit on or off; leaves no lock behind.
   */
  public static void createIfMissing(Connection connection, String table, String columns)
      throws SQLException {
    String quoted = SqlIdentifier.quoteTable(table);
    try (PreparedStatement lock =
        connection.prepareStatement("SELECT pg_advisory_lock(hashtext('onceflow.sink:' || ?))")) {
      lock.setString(1, table);
      lock.execute();
    }
    try (Statement create = connection.createStatement()) {
      create.execute("CREATE TABLE IF NOT EXISTS " + quoted + " (" + columns + ")");
      if (!connection.getAutoCommit()) {
        connection.commit();
      }
    } finally {
      try (PreparedStatement unlock =
          connection.prepareStatement("SELECT pg_advisory_unlock(hashtext('onceflow.sink:' || ?))")) {
        unlock.setString(1, table);
        unlock.execute();
      }
    }
  }
}
