package io.onceflow.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Operator actions on a job's ledger rows, and the figures a progress line shows. */
public final class LedgerAdmin {
  private final DataSource dataSource;

  public LedgerAdmin(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Deletes every ledger row of a job, in one transaction. Refused while a driver holds the job's
   * lock would be the careful version; this is for demos and tests that start over on a fresh
   * broker, where the old offsets mean nothing.
   */
  public void deleteJob(String job) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        for (String table : new String[] {"dead_letters", "gaps", "tasks", "batches", "offsets", "workers",
            "retention", "retention_partitions", "outbox", "outbox_relayed", "jobs"}) {
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM onceflow." + table + " WHERE job = ?")) {
            s.setString(1, job);
            s.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        SqlErrors.rollbackAfter(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw SqlErrors.classify("delete the ledger rows of job '" + job + "'", e);
    }
  }

  /**
   * Totals of a job's ledger: what a progress line or a status command shows. Batches and
   * committed tasks count those ledger retention deleted too.
   */
  public record Progress(long committedOffsets, long batches, long committedTasks, long deadLetters) {}

  public Progress progress(String job) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT (SELECT coalesce(sum(until_offset - start_offset), 0) FROM onceflow.offsets WHERE job = ?),"
                    + " (SELECT count(*) FROM onceflow.batches WHERE job = ?)"
                    + "  + coalesce((SELECT batches_pruned FROM onceflow.retention WHERE job = ?), 0),"
                    + " (SELECT count(*) FROM onceflow.tasks WHERE job = ? AND state = 'committed')"
                    + "  + coalesce((SELECT tasks_pruned FROM onceflow.retention WHERE job = ?), 0),"
                    + " (SELECT count(*) FROM onceflow.dead_letters WHERE job = ?)")) {
      for (int i = 1; i <= 6; i++) {
        s.setString(i, job);
      }
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new Progress(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
      }
    } catch (SQLException e) {
      throw SqlErrors.classify("read the progress of job '" + job + "'", e);
    }
  }
}
