package io.onceflow.task;

import io.onceflow.api.JobSetup;
import io.onceflow.ledger.Database;
import io.onceflow.ledger.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
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

  /**
   * Returns the setup connection to the pool as it was lent: what the job left open is rolled
   * back, and the session settings it changed ({@code SET lock_timeout}, {@code search_path}) are
   * reset, so they cannot weaken the safety timeouts of the task that borrows it next (DESIGN §3).
   */
  @Override
  public void close() throws SQLException {
    if (connection == null) {
      return;
    }
    try (Connection c = connection; Statement reset = c.createStatement()) {
      if (!c.getAutoCommit()) {
        c.rollback();
        c.setAutoCommit(true);
      }
      reset.execute("RESET ALL");
    }
  }
}
