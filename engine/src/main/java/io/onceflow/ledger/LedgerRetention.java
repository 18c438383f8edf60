package io.onceflow.ledger;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * Deletes a job's old committed history ({@code ledger.retention.ms}, {@code onceflow ledger
 * prune}): whole batches, oldest first, with their tasks, in transactions of at most {@code
 * chunkRows} task rows; then worker rows that stopped longer ago than the retention, or whose
 * heartbeat has been silent longer than the retention and at least an hour ({@link
 * #LIVE_WORKER_SILENCE_MS}).
 *
 * <p>A batch is pruned when it is older than the retention, every one of its tasks committed
 * longer ago than that (or retired by a partition's halt: never committed, it moves no pruned
 * prefix), and it lies below both the job's first batch with an uncommitted task and
 * the job's newest batch. Pruning stops at the first batch that is not prunable, so what is
 * deleted is always a prefix of the job's batches ({@code onceflow.retention.through_batch}) and,
 * per partition, a prefix of its committed ranges ({@code onceflow.retention_partitions}); both
 * are written in the transaction of each delete.
 *
 * <p>Why the protocol does not notice (DESIGN §3, §4):
 *
 * <ul>
 *   <li><b>the committed position</b> lives in {@code onceflow.offsets}, which the pruner never
 *       writes, reads under a lock or deletes;
 *   <li><b>no second plan of a pruned range</b>: the unique key on (job, topic, partition, from)
 *       loses the rows of pruned ranges, but every one of them ends at or below the partition's
 *       committed offset. The planner plans from the greater of the committed offset and the end
 *       of the newest planned task, read inside the epoch-checked plan transaction, so it never
 *       plans below the committed offset; and a range below it could never commit anyway: the
 *       fence needs {@code until_offset = from}, and the committed offset only grows (an offset
 *       reset moves it back on purpose, deleting that history itself). Planned tasks, the head
 *       committed tasks and the newest batch (the next batch id is the newest plus one) are never
 *       pruned, so the keys that guard the live part of the plan are all kept (I1, I3);
 *   <li><b>dead letters and gaps stay</b>: an unreplayed dead letter is a record still owed to
 *       the sink, and replay needs nothing but its own row (its batch id is a number, not a
 *       foreign key);
 *   <li><b>no lock the task path waits on</b>: the pruner deletes committed task rows (a claim
 *       and a fence touch planned rows and the offsets row only) and batches nobody plans into;
 *       its own serialization is a row lock on the job's {@code onceflow.retention} row. A late
 *       attempt of a task whose row was pruned after another attempt committed it is told "already
 *       committed" by {@link TaskFence#classifyMiss}, from the same table.
 * </ul>
 *
 * <p>Thread-safe: state lives in the ledger; concurrent pruners of one job (the driver's and an
 * operator's) take turns per transaction.
 */
public final class LedgerRetention {
  private static final String LOCK_JOB =
      "INSERT INTO onceflow.retention (job) VALUES (?) ON CONFLICT (job) DO NOTHING;"
          + " SELECT through_batch, through_planned_at FROM onceflow.retention WHERE job = ? FOR UPDATE";

  // Candidates in batch order from the job's watermark, below the first batch with an uncommitted
  // task and below the newest batch; "old" is decided per batch, and the caller stops at the first
  // batch that is not (planned times or commit times need not grow with the batch id).
  private static final String CANDIDATES =
      "SELECT b.batch_id, b.task_count, b.planned_at,"
          + " b.planned_at < now() - ? * interval '1 millisecond' AND coalesce(t.old, true)"
          + " FROM onceflow.batches b LEFT JOIN LATERAL ("
          + "  SELECT bool_and(CASE state WHEN 'retired' THEN true WHEN 'committed'"
          + "   THEN committed_at < now() - ? * interval '1 millisecond' ELSE false END) AS old"
          + "  FROM onceflow.tasks WHERE job = b.job AND batch_id = b.batch_id) t ON true"
          + " WHERE b.job = ? AND b.batch_id > ?"
          + "  AND b.batch_id < (SELECT max(batch_id) FROM onceflow.batches WHERE job = ?)"
          + "  AND b.batch_id < coalesce((SELECT min(batch_id) FROM onceflow.tasks"
          + "   WHERE job = ? AND state = 'planned'), 9223372036854775807)"
          + " ORDER BY b.batch_id LIMIT ?";

  private static final String DELETE_TASKS =
      "DELETE FROM onceflow.tasks WHERE job = ? AND batch_id = ANY (?)"
          + " AND state IN ('committed', 'retired')"
          + " RETURNING topic, partition, batch_id, from_offset, until_offset, coalesce(records, 0),"
          + " state = 'retired'";

  private static final String RECORD_PARTITION =
      "INSERT INTO onceflow.retention_partitions AS r (job, topic, partition, pruned_until,"
          + " through_batch, tasks_pruned, offsets_pruned, records_pruned, pruned_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())"
          + " ON CONFLICT (job, topic, partition) DO UPDATE SET"
          + " pruned_until = CASE WHEN excluded.through_batch > r.through_batch"
          + "  THEN excluded.pruned_until ELSE r.pruned_until END,"
          + " through_batch = greatest(r.through_batch, excluded.through_batch),"
          + " tasks_pruned = r.tasks_pruned + excluded.tasks_pruned,"
          + " offsets_pruned = r.offsets_pruned + excluded.offsets_pruned,"
          + " records_pruned = r.records_pruned + excluded.records_pruned, pruned_at = now()";

  // A batch whose task is still planned fails here (foreign key, 23503) instead of being pruned
  // half: the candidates query rules that out, so it would mean a ledger edited by hand.
  private static final String DELETE_BATCHES =
      "DELETE FROM onceflow.batches WHERE job = ? AND batch_id = ANY (?)";

  private static final String RECORD_JOB =
      "UPDATE onceflow.retention SET through_batch = ?, through_planned_at = ?,"
          + " batches_pruned = batches_pruned + ?, tasks_pruned = tasks_pruned + ?,"
          + " last_pruned_at = now() WHERE job = ?";

  /**
   * A worker that has not stopped is pruned only once its heartbeat (every lease / 3) is silent
   * this long, whatever the retention: a shorter retention ({@code --older-than 0}) must not delete
   * the row of a worker that may still run. Its heartbeat would then update nothing, the worker
   * would be invisible to the status page and to the offset reset's "are workers running" check.
   */
  static final long LIVE_WORKER_SILENCE_MS = 60 * 60 * 1000;

  private static final String DELETE_WORKERS =
      "DELETE FROM onceflow.workers WHERE worker_id IN (SELECT worker_id FROM onceflow.workers"
          + " WHERE job = ? AND CASE WHEN stopped_at IS NOT NULL"
          + "  THEN stopped_at < now() - ? * interval '1 millisecond'"
          + "  ELSE heartbeat_at < now() - greatest(?, " + LIVE_WORKER_SILENCE_MS + ")"
          + "   * interval '1 millisecond' END LIMIT ?)";

  private static final String RECORD_WORKERS =
      "UPDATE onceflow.retention SET workers_pruned = workers_pruned + ?, last_pruned_at = now()"
          + " WHERE job = ?";

  private final int chunkRows;

  /** @param chunkRows task rows (or worker rows) deleted per transaction, at most */
  public LedgerRetention(int chunkRows) {
    if (chunkRows < 1) {
      throw new IllegalArgumentException("chunkRows must be at least 1: " + chunkRows);
    }
    this.chunkRows = chunkRows;
  }

  /**
   * What one pruning run deleted.
   *
   * @param throughBatch every batch up to this id is deleted now (0: none ever)
   * @param throughPlannedAtMs when that batch was planned, epoch ms; null when none
   */
  public record Pruned(
      long batches, long tasks, long workers, int transactions, long throughBatch, Long throughPlannedAtMs) {
    public boolean deletedAnything() {
      return batches + tasks + workers > 0;
    }
  }

  /**
   * Deletes the job's history older than {@code olderThanMs}, one small transaction at a time,
   * until nothing is left to prune or {@code keepGoing} says stop (checked between transactions).
   * Leaves {@code c} in autocommit mode when it returns; after an error, close it.
   *
   * @throws io.onceflow.api.OnceflowException classified ({@link SqlErrors}) when a statement fails;
   *     what earlier transactions deleted stays deleted, and recorded
   */
  public Pruned prune(Connection c, String job, long olderThanMs, BooleanSupplier keepGoing) {
    if (olderThanMs < 0) {
      throw new IllegalArgumentException("olderThanMs must not be negative: " + olderThanMs);
    }
    long batches = 0;
    long tasks = 0;
    long workers = 0;
    int transactions = 0;
    long through = 0;
    Long throughPlannedAt = null;
    try {
      c.setAutoCommit(false);
      try {
        while (keepGoing.getAsBoolean()) {
          Chunk chunk = pruneBatches(c, job, olderThanMs);
          c.commit();
          through = chunk.through();
          throughPlannedAt = chunk.throughPlannedAtMs();
          if (chunk.batches() == 0) {
            break;
          }
          batches += chunk.batches();
          tasks += chunk.tasks();
          transactions++;
          if (!chunk.more()) {
            break;
          }
        }
        while (keepGoing.getAsBoolean()) {
          int deleted = pruneWorkers(c, job, olderThanMs);
          c.commit();
          if (deleted == 0) {
            break;
          }
          workers += deleted;
          transactions++;
        }
        c.setAutoCommit(true);
      } catch (SQLException | RuntimeException e) {
        // Not back to autocommit here: on a broken connection that would throw a bare "connection
        // is closed" over the retriable cause. The caller closes the connection (the pool resets it).
        SqlErrors.rollbackAfter(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw SqlErrors.classify("prune the ledger history of job '" + job + "'", e);
    }
    return new Pruned(batches, tasks, workers, transactions, through, throughPlannedAt);
  }

  /**
   * @param through the job's watermark after the chunk
   * @param more whether prunable batches may follow (the chunk stopped at its row budget)
   */
  private record Chunk(long batches, long tasks, long through, Long throughPlannedAtMs, boolean more) {}

  private record Candidate(long batch, int taskCount, Timestamp plannedAt) {}

  /** The job's watermark as it stands: every batch up to {@code batch} is pruned. */
  private record Watermark(long batch, Timestamp plannedAt) {
    Long plannedAtMs() {
      return plannedAt == null ? null : plannedAt.getTime();
    }
  }

  private Chunk pruneBatches(Connection c, String job, long olderThanMs) throws SQLException {
    Watermark watermark = lockJob(c, job);
    long through = watermark.batch();
    List<Candidate> chosen = new ArrayList<>();
    boolean more = false;
    boolean young = false;
    try (PreparedStatement s = c.prepareStatement(CANDIDATES)) {
      s.setLong(1, olderThanMs);
      s.setLong(2, olderThanMs);
      s.setString(3, job);
      s.setLong(4, through);
      s.setString(5, job);
      s.setString(6, job);
      s.setInt(7, chunkRows);
      long rows = 0;
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Candidate candidate = new Candidate(rs.getLong(1), rs.getInt(2), rs.getTimestamp(3));
          if (!rs.getBoolean(4)) {
            young = true; // the first batch too young: the prefix ends here
            break;
          }
          if (!chosen.isEmpty() && rows + candidate.taskCount() > chunkRows) {
            more = true; // the row budget is spent: the next transaction goes on
            break;
          }
          chosen.add(candidate);
          rows += candidate.taskCount();
          more = true; // until a batch is too young, the next transaction looks for more
        }
      }
    }
    if (chosen.isEmpty()) {
      return new Chunk(0, 0, through, watermark.plannedAtMs(), false);
    }
    Candidate last = chosen.get(chosen.size() - 1);
    Array ids = c.createArrayOf("bigint", chosen.stream().map(Candidate::batch).toArray());
    long tasks = deleteTasks(c, job, ids);
    int batches;
    try (PreparedStatement s = c.prepareStatement(DELETE_BATCHES)) {
      s.setString(1, job);
      s.setArray(2, ids);
      batches = s.executeUpdate();
    }
    try (PreparedStatement s = c.prepareStatement(RECORD_JOB)) {
      s.setLong(1, last.batch());
      s.setTimestamp(2, last.plannedAt());
      s.setLong(3, batches);
      s.setLong(4, tasks);
      s.setString(5, job);
      s.executeUpdate();
    }
    return new Chunk(batches, tasks, last.batch(), last.plannedAt().getTime(), more && !young);
  }

  /** Per partition: the pruned tasks' count, offsets, records, and the last one (by batch). */
  private static final class PartitionPrune {
    long throughBatch = Long.MIN_VALUE;
    long prunedUntil;
    long tasks;
    long offsets;
    long records;
  }

  private static long deleteTasks(Connection c, String job, Array batchIds) throws SQLException {
    Map<PartitionId, PartitionPrune> partitions = new TreeMap<>();
    long tasks = 0;
    try (PreparedStatement s = c.prepareStatement(DELETE_TASKS)) {
      s.setString(1, job);
      s.setArray(2, batchIds);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          tasks++;
          if (rs.getBoolean(7)) {
            // Retired by a halt: never committed, so it moves no partition's pruned prefix. It
            // goes with its batch, so that a partition halted for good (a deleted topic nobody
            // resets) does not stop the pruning of the whole job.
            continue;
          }
          PartitionPrune p =
              partitions.computeIfAbsent(new PartitionId(rs.getString(1), rs.getInt(2)), k -> new PartitionPrune());
          long batch = rs.getLong(3);
          if (batch > p.throughBatch) {
            p.throughBatch = batch;
            p.prunedUntil = rs.getLong(5);
          }
          p.tasks++;
          p.offsets += rs.getLong(5) - rs.getLong(4);
          p.records += rs.getLong(6);
        }
      }
    }
    if (partitions.isEmpty()) {
      return tasks;
    }
    try (PreparedStatement s = c.prepareStatement(RECORD_PARTITION)) {
      for (Map.Entry<PartitionId, PartitionPrune> e : partitions.entrySet()) {
        PartitionPrune p = e.getValue();
        s.setString(1, job);
        s.setString(2, e.getKey().topic());
        s.setInt(3, e.getKey().partition());
        s.setLong(4, p.prunedUntil);
        s.setLong(5, p.throughBatch);
        s.setLong(6, p.tasks);
        s.setLong(7, p.offsets);
        s.setLong(8, p.records);
        s.addBatch();
      }
      s.executeBatch();
    }
    return tasks;
  }

  private int pruneWorkers(Connection c, String job, long olderThanMs) throws SQLException {
    int deleted;
    try (PreparedStatement s = c.prepareStatement(DELETE_WORKERS)) {
      s.setString(1, job);
      s.setLong(2, olderThanMs);
      s.setLong(3, olderThanMs);
      s.setInt(4, chunkRows);
      deleted = s.executeUpdate();
    }
    if (deleted > 0) {
      lockJob(c, job);
      try (PreparedStatement s = c.prepareStatement(RECORD_WORKERS)) {
        s.setInt(1, deleted);
        s.setString(2, job);
        s.executeUpdate();
      }
    }
    return deleted;
  }

  /** Creates the job's retention row if needed and locks it: pruners of a job take turns. */
  private static Watermark lockJob(Connection c, String job) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(LOCK_JOB)) {
      s.setString(1, job);
      s.setString(2, job);
      boolean isResultSet = s.execute();
      while (!isResultSet) {
        if (s.getUpdateCount() == -1) {
          throw new IllegalStateException("no watermark row for job '" + job + "'");
        }
        isResultSet = s.getMoreResults();
      }
      try (ResultSet rs = s.getResultSet()) {
        rs.next();
        return new Watermark(rs.getLong(1), rs.getTimestamp(2));
      }
    }
  }
}
