package io.onceflow.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads what happened to planned batches, for the driver's metrics and backpressure: which
 * batches completed since the last look, and how long they waited and ran.
 *
 * <p>Thread-safe: every call borrows its own connection. Reads only; a few indexed queries per
 * batch interval.
 */
public final class BatchHistory {
  private static final String COMPLETED =
      "SELECT b.batch_id, b.offset_count, max(t.until_offset - t.from_offset),"
          + " greatest(0, extract(epoch FROM min(t.started_at) - b.planned_at) * 1000)::bigint,"
          + " greatest(0, extract(epoch FROM max(t.committed_at) - min(t.started_at)) * 1000)::bigint"
          + " FROM onceflow.batches b JOIN onceflow.tasks t ON t.job = b.job AND t.batch_id = b.batch_id"
          + " WHERE b.job = ? AND b.batch_id > ?"
          + " GROUP BY b.batch_id, b.offset_count, b.planned_at"
          + " HAVING bool_and(t.state = 'committed')"
          + " ORDER BY b.batch_id LIMIT 500";

  private final DataSource dataSource;

  public BatchHistory(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * The batch id below which everything is already complete: where a new driver starts looking,
   * so it reports batches that complete from now on, not the job's whole history.
   */
  public long completeUpTo(String job) {
    return single(
        "SELECT coalesce((SELECT min(batch_id) - 1 FROM onceflow.tasks WHERE job = ? AND state = 'planned'),"
            + " (SELECT max(batch_id) FROM onceflow.batches WHERE job = ?), 0)",
        "find the last complete batch of job '" + job + "'",
        job,
        job);
  }

  /** Completed batches with an id above {@code afterBatch}, in id order (at most 500). */
  public List<CompletedBatch> completedAfter(String job, long afterBatch) {
    List<CompletedBatch> batches = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(COMPLETED)) {
      s.setString(1, job);
      s.setLong(2, afterBatch);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          batches.add(
              new CompletedBatch(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
        }
      }
    } catch (SQLException e) {
      throw SqlErrors.classify("read the completed batches of job '" + job + "'", e);
    }
    return batches;
  }

  /** Worker processes that have not stopped and sent a heartbeat within {@code withinMs}. */
  public int liveWorkers(String job, long withinMs) {
    return (int)
        single(
            "SELECT count(*) FROM onceflow.workers WHERE job = ? AND stopped_at IS NULL"
                + " AND heartbeat_at > now() - ? * interval '1 millisecond'",
            "count the live workers of job '" + job + "'",
            job,
            withinMs);
  }

  private long single(String sql, String operation, Object... args) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw SqlErrors.classify(operation, e);
    }
  }
}
