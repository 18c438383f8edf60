package io.onceflow.examples;

import io.onceflow.api.ConfigException;
import io.onceflow.api.JobSetup;
import io.onceflow.connectors.postgres.SqlIdentifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** What both example jobs do in {@code open()}: read the table parameter, create the table. */
final class SinkTables {

  static final String TABLE_PARAM = "table";

  private SinkTables() {}

  /** The {@code job.param.table} setting, refused at start-up if it is not a safe name. */
  static String table(JobSetup setup, String defaultTable) {
    String table = setup.param(TABLE_PARAM, defaultTable);
    if (!SqlIdentifier.isValidTable(table)) {
      throw new ConfigException(
          "job.param."
              + TABLE_PARAM
              + " = '"
              + table
              + "' is not a table name: use letters, digits and _, optionally schema.table");
    }
    return table;
  }

  /**
   * Creates {@code table} if it does not exist. Every worker thread opens its own job instance at
   * start-up, so several may race here: two {@code CREATE TABLE IF NOT EXISTS} can both pass the
   * check, and the loser fails on the catalog's unique index (23505) or as a duplicate table
   * (42P07). Either way the table now exists, which is all we wanted.
   */
  static void createIfMissing(Connection connection, String table, String columns)
      throws SQLException {
    String sql =
        "CREATE TABLE IF NOT EXISTS " + SqlIdentifier.quoteTable(table) + " (" + columns + ")";
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
        throw e;
      }
    }
  }
}
