package io.onceflow.admin;

import io.onceflow.api.OnceflowException;
import io.onceflow.ledger.PartitionHalts;
import io.onceflow.ledger.PartitionId;
import io.onceflow.ledger.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Moves partitions of a stopped job to new offsets: {@code onceflow offsets reset}.
 *
 * <p>One transaction (DESIGN §3, last rule), so the ledger is before or after the reset, never
 * between:
 *
 * <ol>
 *   <li>lock the job's row, and take the job's driver lock for the transaction; refuse if a driver
 *       holds it or a worker of the job sent a heartbeat recently (they would run tasks of the old
 *       plan);
 *   <li>per partition: lock its offsets row; delete its uncommitted tasks (planned, or retired by a
 *       halt); when moving backwards,
 *       delete the committed history at or after the target (tasks, dead letters, gaps), since
 *       those offsets will be processed again and their rows are unique per offset; set {@code
 *       start_offset} and {@code until_offset} to the target; lift a halt, recording the topic ID
 *       the new offset points into;
 *   <li>bump the leader epoch, so no plan computed before the reset can be written after it;
 *   <li>record each move in {@code onceflow.offset_resets}, with what was removed and the highest
 *       batch id at the time (ledger checks read the history after it).
 * </ol>
 *
 * <p>A reset is an operator's decision to skip or to repeat records: backwards, the job's output
 * for the repeated range is applied again (the sink is not rolled back); forwards, the skipped
 * records are never processed. Exactly-once holds again from the new position.
 */
public final class OffsetReset {
  private final DataSource dataSource;

  public OffsetReset(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** One partition moved. */
  public record Moved(
      PartitionId partition,
      long from,
      long to,
      int plannedTasksRemoved,
      int committedTasksRemoved,
      int deadLettersRemoved,
      int gapsRemoved,
      boolean haltLifted) {
    Moved(PartitionId partition, long from, long to, int planned, int committed, int deadLetters, int gaps) {
      this(partition, from, to, planned, committed, deadLetters, gaps, false);
    }

    Moved lifted() {
      return new Moved(partition, from, to, plannedTasksRemoved, committedTasksRemoved,
          deadLettersRemoved, gapsRemoved, true);
    }
  }

  /** The partitions moved and the job's leader epoch after the reset. */
  public record Result(List<Moved> moved, long epoch) {}

  /**
   * Applies the moves in one transaction.
   *
   * @param targets the new offset of each partition; every partition must be known to the ledger
   * @param workerStaleMs a worker whose heartbeat is younger counts as running
   * @param resetBy who asked (recorded)
   * @throws OnceflowException naming the reason when refused; nothing is changed then
   */
  public Result apply(String job, Map<PartitionId, Long> targets, long workerStaleMs, String resetBy) {
    return apply(job, targets, Map.of(), workerStaleMs, resetBy);
  }

  /**
   * As {@link #apply(String, Map, long, String)}, recording {@code topicIds} (topic name to the
   * ID Kafka gave it now) as the log each moved partition's new offset points into, and lifting
   * the partitions' halts. A partition whose topic has no ID here gets none; the next plan that
   * sees its topic records one.
   */
  public Result apply(
      String job,
      Map<PartitionId, Long> targets,
      Map<String, String> topicIds,
      long workerStaleMs,
      String resetBy) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        Result result = inTransaction(c, job, targets, topicIds, workerStaleMs, resetBy);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        SqlErrors.rollbackAfter(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw SqlErrors.classify("reset the offsets of job '" + job + "'", e);
    }
  }

  private Result inTransaction(
      Connection c,
      String job,
      Map<PartitionId, Long> targets,
      Map<String, String> topicIds,
      long workerStaleMs,
      String resetBy)
      throws SQLException {
    int lockKey = lockJob(c, job);
    if (!DriverLock.tryLockForTransaction(c, lockKey)) {
      throw new OnceflowException(
          "The driver of job '" + job + "' is running (it holds the job's lock): stop it first,"
              + " then reset. Nothing was changed.");
    }
    refuseIfWorkersRun(c, job, workerStaleMs);
    long afterBatch = single(c, "SELECT coalesce(max(batch_id), 0) FROM onceflow.batches WHERE job = ?", job);
    long epoch = bumpEpoch(c, job);
    boolean gapsTable = gapsTableExists(c);
    List<Moved> moved = new ArrayList<>();
    for (Map.Entry<PartitionId, Long> target : targets.entrySet()) {
      Moved m = move(c, job, target.getKey(), target.getValue(), gapsTable);
      if (PartitionHalts.clear(c, job, target.getKey(), topicIds.get(target.getKey().topic()))) {
        m = m.lifted();
      }
      record(c, job, m, afterBatch, epoch, resetBy);
      moved.add(m);
    }
    return new Result(moved, epoch);
  }

  private static int lockJob(Connection c, String job) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT lock_key FROM onceflow.jobs WHERE job = ? FOR UPDATE")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new OnceflowException("The ledger has no job '" + job + "' (onceflow jobs list shows the jobs)");
        }
        return rs.getInt(1);
      }
    }
  }

  private static void refuseIfWorkersRun(Connection c, String job, long staleMs) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT worker_id, (extract(epoch FROM now() - heartbeat_at) * 1000)::bigint"
                + " FROM onceflow.workers WHERE job = ? AND stopped_at IS NULL"
                + " AND heartbeat_at > now() - ? * interval '1 millisecond' ORDER BY worker_id")) {
      s.setString(1, job);
      s.setLong(2, staleMs);
      try (ResultSet rs = s.executeQuery()) {
        List<String> live = new ArrayList<>();
        while (rs.next()) {
          live.add(rs.getString(1) + " (heartbeat " + rs.getLong(2) + " ms ago)");
        }
        if (!live.isEmpty()) {
          throw new OnceflowException(
              "Workers of job '" + job + "' are running: " + String.join(", ", live)
                  + ". Stop them first (a killed worker counts as stopped once its heartbeat is "
                  + staleMs + " ms old). Nothing was changed.");
        }
      }
    }
  }

  private static long bumpEpoch(Connection c, String job) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE onceflow.jobs SET leader_epoch = leader_epoch + 1 WHERE job = ?"
                + " RETURNING leader_epoch")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static Moved move(Connection c, String job, PartitionId p, long to, boolean gapsTable)
      throws SQLException {
    long from;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT until_offset FROM onceflow.offsets WHERE job = ? AND topic = ? AND partition = ?"
                + " FOR UPDATE")) {
      bind(s, job, p);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new OnceflowException(
              "Job '" + job + "' has never read " + p + ": the ledger has no offset for it to reset."
                  + " Nothing was changed.");
        }
        from = rs.getLong(1);
      }
    }
    int planned =
        delete(c, "DELETE FROM onceflow.tasks WHERE job = ? AND topic = ? AND partition = ?"
            + " AND state IN ('planned', 'retired')", job, p, null);
    int committed = 0;
    int deadLetters = 0;
    int gaps = 0;
    if (to < from) {
      committed =
          delete(c, "DELETE FROM onceflow.tasks WHERE job = ? AND topic = ? AND partition = ?"
              + " AND until_offset > ?", job, p, to);
      deadLetters =
          delete(c, "DELETE FROM onceflow.dead_letters WHERE job = ? AND topic = ? AND partition = ?"
              + " AND \"offset\" >= ?", job, p, to);
      if (gapsTable) {
        gaps =
            delete(c, "DELETE FROM onceflow.gaps WHERE job = ? AND topic = ? AND partition = ?"
                + " AND until_offset > ?", job, p, to);
      }
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE onceflow.offsets SET start_offset = ?, until_offset = ?, batch_id = NULL,"
                + " updated_at = now() WHERE job = ? AND topic = ? AND partition = ?")) {
      s.setLong(1, to);
      s.setLong(2, to);
      s.setString(3, job);
      s.setString(4, p.topic());
      s.setInt(5, p.partition());
      s.executeUpdate();
    }
    return new Moved(p, from, to, planned, committed, deadLetters, gaps);
  }

  private static void record(
      Connection c, String job, Moved m, long afterBatch, long epoch, String resetBy)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO onceflow.offset_resets (job, topic, partition, from_offset, to_offset,"
                + " after_batch, leader_epoch, planned_tasks_removed, committed_tasks_removed,"
                + " dead_letters_removed, gaps_removed, reset_by)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, job);
      s.setString(2, m.partition().topic());
      s.setInt(3, m.partition().partition());
      s.setLong(4, m.from());
      s.setLong(5, m.to());
      s.setLong(6, afterBatch);
      s.setLong(7, epoch);
      s.setInt(8, m.plannedTasksRemoved());
      s.setInt(9, m.committedTasksRemoved());
      s.setInt(10, m.deadLettersRemoved());
      s.setInt(11, m.gapsRemoved());
      s.setString(12, resetBy);
      s.executeUpdate();
    }
  }

  private static boolean gapsTableExists(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT to_regclass('onceflow.gaps') IS NOT NULL");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static int delete(Connection c, String sql, String job, PartitionId p, Long offset)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, job, p);
      if (offset != null) {
        s.setLong(4, offset);
      }
      return s.executeUpdate();
    }
  }

  private static void bind(PreparedStatement s, String job, PartitionId p) throws SQLException {
    s.setString(1, job);
    s.setString(2, p.topic());
    s.setInt(3, p.partition());
  }

  private static long single(Connection c, String sql, String job) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
