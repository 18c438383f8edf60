package io.onceflow.examples;

import io.onceflow.api.ConfigException;
import io.onceflow.api.JobSetup;
import io.onceflow.connectors.postgres.SqlIdentifier;

/** What both example jobs do in {@code open()}: read and check the table parameter. */
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
}
