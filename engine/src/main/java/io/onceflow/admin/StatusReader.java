package io.onceflow.admin;

import io.onceflow.admin.JobStatus.DeadLetterInfo;
import io.onceflow.admin.JobStatus.DriverInfo;
import io.onceflow.admin.JobStatus.PartitionStatus;
import io.onceflow.admin.JobStatus.Pruned;
import io.onceflow.admin.JobStatus.PrunedPartition;
import io.onceflow.admin.JobStatus.RatePoint;
import io.onceflow.admin.JobStatus.Totals;
import io.onceflow.admin.JobStatus.WorkerStatus;
import io.onceflow.ledger.PartitionId;
import io.onceflow.ledger.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads a job's status from the ledger: the queries behind the status page, the JSON API and
 * {@code onceflow status}. Read-only; every query is bounded by the job and by batch id ranges
 * (primary keys), so a page refresh costs a few index scans however long the job has run.
 *
 * <p>Thread-safe: every call borrows its own connection.
 */
public final class StatusReader {
  /** Width of one point of the rate history. */
  public static final int BUCKET_SECONDS = 5;

  /** How far back the rate history goes. */
  public static final int HISTORY_MINUTES = 5;

  // Batches are read by a primary-key range computed first (newest id minus n), and their tasks
  // through a LATERAL subquery: the planner then walks tasks by key for exactly those batches,
  // instead of estimating a range it cannot see and hashing the whole tasks table.
  private static final String BATCHES =
      "SELECT b.batch_id, (extract(epoch FROM b.planned_at) * 1000)::bigint, b.offset_count,"
          + " t.tasks, t.committed, t.running, t.dead_letters,"
          + " (extract(epoch FROM t.started - b.planned_at) * 1000)::bigint,"
          + " (extract(epoch FROM CASE WHEN t.done THEN t.last_commit ELSE now() END - t.started)"
          + "   * 1000)::bigint"
          + " FROM onceflow.batches b LEFT JOIN LATERAL ("
          + "  SELECT count(*) AS tasks, count(*) FILTER (WHERE state = 'committed') AS committed,"
          + "   count(*) FILTER (WHERE state = 'planned' AND lease_holder IS NOT NULL"
          + "    AND lease_until > now()) AS running,"
          + "   coalesce(sum(dead_letters), 0) AS dead_letters, min(started_at) AS started,"
          + "   max(committed_at) AS last_commit, bool_and(state = 'committed') AS done"
          + "  FROM onceflow.tasks WHERE job = b.job AND batch_id = b.batch_id) t ON true"
          + " WHERE b.job = ? AND b.batch_id > ? ORDER BY b.batch_id DESC";

  private static final String HISTORY =
      "WITH b AS ("
          + " SELECT b.planned_at, b.offset_count, t.started, t.last_commit"
          + " FROM onceflow.batches b JOIN LATERAL ("
          + "  SELECT min(started_at) AS started, max(committed_at) AS last_commit,"
          + "   bool_and(state = 'committed') AS done"
          + "  FROM onceflow.tasks WHERE job = b.job AND batch_id = b.batch_id) t ON t.done"
          + " WHERE b.job = ? AND b.batch_id > ? AND b.planned_at > now() - ? * interval '1 minute')"
          + " SELECT (floor(extract(epoch FROM last_commit) / ?) * ? * 1000)::bigint AS bucket,"
          + "  count(*), sum(offset_count),"
          + "  avg(extract(epoch FROM last_commit - started) * 1000),"
          + "  avg(extract(epoch FROM started - planned_at) * 1000)"
          + " FROM b GROUP BY 1 ORDER BY 1";

  /** Batches looked at for the rate history: 5 minutes of batches planned every 15 ms. */
  private static final int HISTORY_BATCHES = 20_000;

  private static final String TOTALS =
      "SELECT (SELECT coalesce(sum(until_offset - start_offset), 0) FROM onceflow.offsets"
          + "   WHERE job = ?),"
          + " (SELECT coalesce(max(batch_id), 0) FROM onceflow.batches WHERE job = ?),"
          + " (SELECT count(*) FROM onceflow.dead_letters WHERE job = ?)";

  private static final String PARTITIONS =
      "SELECT o.topic, o.partition, o.start_offset, o.until_offset,"
          + " greatest(o.until_offset, coalesce(max(t.until_offset), o.until_offset)),"
          + " o.halted_reason, (extract(epoch FROM o.halted_at) * 1000)::bigint"
          + " FROM onceflow.offsets o LEFT JOIN onceflow.tasks t"
          + "   ON t.job = o.job AND t.topic = o.topic AND t.partition = o.partition"
          + "  AND t.state = 'planned'"
          + " WHERE o.job = ?"
          + " GROUP BY o.topic, o.partition, o.start_offset, o.until_offset, o.halted_reason, o.halted_at"
          + " ORDER BY o.topic, o.partition";

  private static final String WORKERS =
      "SELECT w.worker_id, w.host, w.pid, w.threads, (extract(epoch FROM w.started_at) * 1000)::bigint,"
          + " (extract(epoch FROM now() - w.heartbeat_at) * 1000)::bigint,"
          + " (SELECT string_agg(t.topic || '-' || t.partition || ' [' || t.from_offset || ','"
          + "    || t.until_offset || ') batch ' || t.batch_id, '|' ORDER BY t.batch_id)"
          + "  FROM onceflow.tasks t WHERE t.job = w.job AND t.state = 'planned'"
          + "   AND t.lease_holder = w.worker_id AND t.lease_until > now())"
          + " FROM onceflow.workers w"
          + " WHERE w.job = ? AND w.stopped_at IS NULL"
          + "  AND w.heartbeat_at > now() - ? * interval '1 millisecond'"
          + " ORDER BY w.started_at";

  private static final String DEAD_LETTERS =
      "SELECT topic, partition, \"offset\", batch_id, error_class,"
          + " (extract(epoch FROM created_at) * 1000)::bigint"
          + " FROM onceflow.dead_letters WHERE job = ? ORDER BY id DESC LIMIT ?";

  private static final String PRUNED =
      "SELECT through_batch, (extract(epoch FROM through_planned_at) * 1000)::bigint,"
          + " batches_pruned, tasks_pruned, workers_pruned,"
          + " (extract(epoch FROM last_pruned_at) * 1000)::bigint"
          + " FROM onceflow.retention WHERE job = ?";

  private static final String PRUNED_PARTITIONS =
      "SELECT topic, partition, pruned_until, through_batch, tasks_pruned, offsets_pruned,"
          + " records_pruned FROM onceflow.retention_partitions WHERE job = ?"
          + " ORDER BY topic, partition";

  private final DataSource dataSource;

  public StatusReader(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * The job's status.
   *
   * @param ends where the partitions end, as far as known (the driver's, or read from Kafka by
   *     the caller); partitions missing there show no lag
   * @param workerStaleMs a worker whose last heartbeat is older is not shown
   * @return empty when the ledger has no such job
   */
  public Optional<JobStatus> status(String job, KafkaEnds ends, long workerStaleMs) {
    try (Connection c = dataSource.getConnection()) {
      c.setReadOnly(true);
      Optional<Object[]> header = header(c, job);
      if (header.isEmpty()) {
        return Optional.empty();
      }
      Object[] h = header.get();
      Totals totals = totals(c, job);
      return Optional.of(
          new JobStatus(
              job,
              (String) h[0],
              (String) h[1],
              (Long) h[2],
              (DriverInfo) h[3],
              totals,
              partitions(c, job, ends),
              workers(c, job, workerStaleMs),
              history(c, job, totals.batches()),
              deadLetters(c, job, 5),
              pruned(c, job)));
    } catch (SQLException e) {
      throw SqlErrors.classify("read the status of job '" + job + "'", e);
    }
  }

  /**
   * Offsets committed over all partitions: what a progress line shows. One small query, however
   * long the job has run.
   */
  public long committedOffsets(String job) {
    try (Connection c = dataSource.getConnection()) {
      return totals(c, job).committedOffsets();
    } catch (SQLException e) {
      throw SqlErrors.classify("read the committed offsets of job '" + job + "'", e);
    }
  }

  /** The newest {@code limit} batches, newest first. */
  public List<BatchStatus> recentBatches(String job, int limit) {
    List<BatchStatus> batches = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(BATCHES)) {
      s.setString(1, job);
      s.setLong(2, newestBatch(c, job) - limit);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          int tasks = rs.getInt(4);
          int committed = rs.getInt(5);
          Long delay = nullableLong(rs, 8);
          batches.add(
              new BatchStatus(
                  rs.getLong(1),
                  rs.getLong(2),
                  rs.getLong(3),
                  tasks,
                  committed,
                  rs.getInt(6),
                  rs.getLong(7),
                  delay,
                  delay == null ? null : nullableLong(rs, 9),
                  state(tasks, committed, delay != null)));
        }
      }
    } catch (SQLException e) {
      throw SqlErrors.classify("read the recent batches of job '" + job + "'", e);
    }
    return batches;
  }

  private static String state(int tasks, int committed, boolean started) {
    if (tasks == 0) {
      return "reset";
    }
    if (committed == tasks) {
      return "committed";
    }
    return started ? "running" : "planned";
  }

  private static Optional<Object[]> header(Connection c, String job) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT j.sources, j.job_class, (extract(epoch FROM now()) * 1000)::bigint, j.leader,"
                + " j.leader_epoch, (extract(epoch FROM j.planned_at) * 1000)::bigint, "
                + DriverLock.HELD_SQL
                + " FROM onceflow.jobs j WHERE j.job = ?")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        DriverInfo driver =
            new DriverInfo(rs.getBoolean(7), rs.getString(4), rs.getLong(5), nullableLong(rs, 6));
        return Optional.of(new Object[] {rs.getString(1), rs.getString(2), rs.getLong(3), driver});
      }
    }
  }

  private static List<PartitionStatus> partitions(
      Connection c, String job, KafkaEnds ends) throws SQLException {
    List<PartitionStatus> partitions = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(PARTITIONS)) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          PartitionId id = new PartitionId(rs.getString(1), rs.getInt(2));
          long committed = rs.getLong(4);
          String halted = rs.getString(6);
          Long end = ends.lastStable().get(id);
          partitions.add(
              new PartitionStatus(
                  id.topic(),
                  id.partition(),
                  rs.getLong(3),
                  committed,
                  rs.getLong(5),
                  end,
                  ends.highWatermarks().get(id),
                  // Not clamped: a log that ends below the committed offset is not "caught up".
                  end == null || halted != null ? null : end - committed,
                  halted,
                  nullableLong(rs, 7)));
        }
      }
    }
    return partitions;
  }

  private static List<WorkerStatus> workers(Connection c, String job, long staleMs)
      throws SQLException {
    List<WorkerStatus> workers = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(WORKERS)) {
      s.setString(1, job);
      s.setLong(2, staleMs);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String tasks = rs.getString(7);
          workers.add(
              new WorkerStatus(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getLong(3),
                  rs.getInt(4),
                  rs.getLong(5),
                  rs.getLong(6),
                  tasks == null ? List.of() : Arrays.asList(tasks.split("\\|"))));
        }
      }
    }
    return workers;
  }

  private static Totals totals(Connection c, String job) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(TOTALS)) {
      s.setString(1, job);
      s.setString(2, job);
      s.setString(3, job);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new Totals(rs.getLong(1), rs.getLong(2), rs.getLong(3));
      }
    }
  }

  private static long newestBatch(Connection c, String job) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT coalesce(max(batch_id), 0) FROM onceflow.batches WHERE job = ?")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static List<RatePoint> history(Connection c, String job, long newestBatch)
      throws SQLException {
    List<RatePoint> points = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(HISTORY)) {
      s.setString(1, job);
      s.setLong(2, newestBatch - HISTORY_BATCHES);
      s.setInt(3, HISTORY_MINUTES);
      s.setInt(4, BUCKET_SECONDS);
      s.setInt(5, BUCKET_SECONDS);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          points.add(
              new RatePoint(
                  rs.getLong(1),
                  rs.getInt(2),
                  rs.getLong(3) / (double) BUCKET_SECONDS,
                  rs.getDouble(4),
                  rs.getDouble(5)));
        }
      }
    }
    return points;
  }

  private static List<DeadLetterInfo> deadLetters(Connection c, String job, int limit)
      throws SQLException {
    List<DeadLetterInfo> letters = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(DEAD_LETTERS)) {
      s.setString(1, job);
      s.setInt(2, limit);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          letters.add(
              new DeadLetterInfo(
                  rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                  rs.getLong(6)));
        }
      }
    }
    return letters;
  }

  /** What ledger retention deleted: two primary-key reads. */
  private static Pruned pruned(Connection c, String job) throws SQLException {
    List<PrunedPartition> partitions = new ArrayList<>();
    if (!retentionTablesExist(c)) {
      // a ledger not migrated to V6 yet (a new `onceflow status` before the job's restart)
      return new Pruned(0, null, 0, 0, 0, null, partitions);
    }
    try (PreparedStatement s = c.prepareStatement(PRUNED_PARTITIONS)) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          partitions.add(
              new PrunedPartition(
                  rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                  rs.getLong(6), rs.getLong(7)));
        }
      }
    }
    try (PreparedStatement s = c.prepareStatement(PRUNED)) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return new Pruned(0, null, 0, 0, 0, null, partitions);
        }
        return new Pruned(
            rs.getLong(1), nullableLong(rs, 2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
            nullableLong(rs, 6), partitions);
      }
    }
  }

  private static boolean retentionTablesExist(Connection c) throws SQLException {
    try (PreparedStatement s =
            c.prepareStatement("SELECT to_regclass('onceflow.retention_partitions') IS NOT NULL");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static Long nullableLong(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }
}
