package io.onceflow.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The {@code onceflow.workers} rows: who is alive, for status pages and operators. */
public final class WorkerRegistry {
  private final DataSource dataSource;

  public WorkerRegistry(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public void register(String workerId, String job, String host, long pid, int threads) {
    update(
        // The id is new at every start, so a row that exists is this start's own, from an
        // attempt whose answer a database restart lost: start-up retries the registration.
        "INSERT INTO onceflow.workers (worker_id, job, host, pid, threads) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (worker_id) DO NOTHING",
        "register worker " + workerId,
        workerId,
        job,
        host,
        pid,
        threads);
  }

  public void heartbeat(String workerId) {
    update(
        "UPDATE onceflow.workers SET heartbeat_at = now() WHERE worker_id = ?",
        "record the heartbeat of worker " + workerId,
        workerId);
  }

  public void stopped(String workerId) {
    update(
        "UPDATE onceflow.workers SET stopped_at = now() WHERE worker_id = ?",
        "record the stop of worker " + workerId,
        workerId);
  }

  private void update(String sql, String operation, Object... args) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      s.executeUpdate();
    } catch (SQLException e) {
      throw SqlErrors.classify(operation, e);
    }
  }
}
