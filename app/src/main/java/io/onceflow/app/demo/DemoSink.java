package io.onceflow.app.demo;

import io.onceflow.api.OnceflowException;
import io.onceflow.examples.GroundTruth;
import io.onceflow.examples.Verdict;
import io.onceflow.examples.Workload;
import io.onceflow.ledger.Database;
import io.onceflow.ledger.LedgerAdmin;
import io.onceflow.ledger.LedgerAdmin.Progress;
import io.onceflow.ledger.LedgerSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The demo's side of PostgreSQL: it starts the demo's job from nothing, watches its progress and
 * checks its result.
 *
 * <p>The demo may run against a database that holds other things (the user's own PostgreSQL, other
 * jobs' ledgers), so it touches exactly two things and nothing else: the table {@link #TABLE}
 * and the ledger rows of job {@link #JOB}. Both are cleared before every run, because every run
 * starts a fresh Kafka broker: offsets a previous run committed point into a log that no longer
 * exists, and the totals it added would be counted twice.
 */
final class DemoSink implements AutoCloseable {
  static final String JOB = "demo";
  static final String TABLE = "onceflow_demo_user_totals";

  /** Leases are irrelevant here: the pool only drops and reads; the engine opens its own. */
  private static final long LEASE_MS = 30_000;

  private final Database database;
  private final LedgerAdmin ledger;

  private DemoSink(Database database) {
    this.database = database;
    this.ledger = new LedgerAdmin(database.dataSource());
  }

  /**
   * Connects (a clear error naming the URL if it cannot), drops {@link #TABLE}, creates or
   * upgrades the ledger and deletes job {@link #JOB}'s rows from it.
   */
  static DemoSink prepare(String postgresUrl) {
    DemoSink sink = new DemoSink(Database.open(postgresUrl, new Properties(), 2, LEASE_MS, "demo"));
    try {
      sink.dropTable();
      LedgerSchema.migrate(sink.database.dataSource());
      sink.ledger.deleteJob(JOB);
      return sink;
    } catch (RuntimeException e) {
      sink.close();
      throw e;
    }
  }

  private void dropTable() {
    try (Connection c = database.connection();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE);
    } catch (SQLException e) {
      throw new OnceflowException("Cannot drop the demo table " + TABLE + ": " + e.getMessage(), e);
    }
  }

  Progress progress() {
    return ledger.progress(JOB);
  }

  /** The table against the totals of records {@code [0, n)}, computed from the formula alone. */
  Verdict verify(long n, Workload workload) throws SQLException {
    try (Connection c = database.connection()) {
      return GroundTruth.verifyAgg(c, TABLE, n, workload);
    }
  }

  @Override
  public void close() {
    database.close();
  }
}
