package io.onceflow.admin;

import io.onceflow.ledger.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Every job in a ledger, for {@code onceflow jobs list}. Read-only. */
public final class JobList {
  private final DataSource dataSource;

  public JobList(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * @param driverRunning whether a driver holds the job's lock now
   * @param lastPlanMs epoch milliseconds of the last plan, or null
   * @param liveWorkers worker processes with a recent heartbeat
   */
  public record JobSummary(
      String job,
      String sources,
      String jobClass,
      boolean driverRunning,
      long epoch,
      Long lastPlanMs,
      long batches,
      long committedOffsets,
      int liveWorkers) {}

  /** The jobs, by name; empty when the ledger has none (or does not exist yet). */
  public List<JobSummary> jobs(long workerStaleMs) {
    List<JobSummary> jobs = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT j.job, j.sources, j.job_class, "
                    + DriverLock.HELD_SQL
                    + ", j.leader_epoch, (extract(epoch FROM j.planned_at) * 1000)::bigint,"
                    + " (SELECT coalesce(max(batch_id), 0) FROM onceflow.batches b WHERE b.job = j.job),"
                    + " (SELECT coalesce(sum(until_offset - start_offset), 0) FROM onceflow.offsets o"
                    + "   WHERE o.job = j.job),"
                    + " (SELECT count(*) FROM onceflow.workers w WHERE w.job = j.job"
                    + "   AND w.stopped_at IS NULL"
                    + "   AND w.heartbeat_at > now() - ? * interval '1 millisecond')"
                    + " FROM onceflow.jobs j WHERE to_regclass('onceflow.jobs') IS NOT NULL"
                    + " ORDER BY j.job")) {
      s.setLong(1, workerStaleMs);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long lastPlan = rs.getLong(6);
          jobs.add(
              new JobSummary(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getBoolean(4),
                  rs.getLong(5),
                  rs.wasNull() ? null : lastPlan,
                  rs.getLong(7),
                  rs.getLong(8),
                  rs.getInt(9)));
        }
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return jobs; // no ledger in this database yet
      }
      throw SqlErrors.classify("list the jobs of the ledger", e);
    }
    return jobs;
  }
}
