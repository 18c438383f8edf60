package io.onceflow.task;

import io.onceflow.api.JobSetup;
import io.onceflow.ledger.Database;
import io.onceflow.ledger.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/** What a worker thread hands its job in {@code open()}; the setup connection closes after. */
final class ThreadJobSetup implements JobSetup, AutoCloseable {
  private final String jobName;
  private final Map<String, String> params;
  private final Database database;
  private Connection connection;

  ThreadJobSetup(String jobName, Map<String, String> params, Database database) {
    this.jobName = jobName;
    this.params = params;
    this.database = database;
  }

  @Override
  public String jobName() {
    return jobName;
  }

  @Override
  public Map<String, String> params() {
    return params;
  }

  @Override
  public Connection setupConnection() {
    try {
      if (connection == null) {
        connection = database.connection();
      }
      return connection;
    } catch (SQLException e) {
      throw SqlErrors.classify("open a setup connection for job '" + jobName + "'", e);
    }
  }

  @Override
  public void close() throws SQLException {
    if (connection != null) {
      connection.close();
    }
  }
}
