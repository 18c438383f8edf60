package io.onceflow.ledger;

import io.onceflow.api.LedgerInconsistencyException;
import io.onceflow.api.OffsetRange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Writes the driver's plans: a batch and its tasks, atomically, fenced by the leader epoch.
 *
 * <p>Every planning transaction starts with {@code UPDATE onceflow.jobs … WHERE leader_epoch =
 * :epoch}: a conditional update, not a plain read, so it takes the job row's lock and a planner
 * with a stale epoch changes nothing (DESIGN §4). The positions the plan is computed from are read
 * after that lock, inside the same transaction. New partitions get their offsets row by a plain
 * {@code INSERT}: a competing plan makes it fail instead of being silently merged.
 */
public final class PlanStore {
  private final DataSource dataSource;

  /**
   * What a plan records besides its ranges, all in its epoch-checked transaction.
   *
   * @param newPartitionStarts partitions seen for the first time, at their start offsets
   * @param topicIds topic IDs to record: of the new partitions, and of known ones that have none
   * @param halts partitions to halt
   */
  public record PartitionChanges(
      Map<PartitionId, Long> newPartitionStarts,
      Map<PartitionId, String> topicIds,
      List<PartitionHalts.Halt> halts) {
    public static final PartitionChanges NONE = new PartitionChanges(Map.of(), Map.of(), List.of());

    public boolean isEmpty() {
      return newPartitionStarts.isEmpty() && topicIds.isEmpty() && halts.isEmpty();
    }
  }

  public PlanStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Positions of every partition the job has seen, read outside any plan transaction. */
  public Map<PartitionId, PartitionPosition> positions(String job) {
    try (Connection c = dataSource.getConnection()) {
      return positions(c, job);
    } catch (SQLException e) {
      throw SqlErrors.classify("read the ledger positions of job '" + job + "'", e);
    }
  }

  /**
   * Fails when a planned task lies behind its partition's committed offset: invariant I1 broken
   * (something committed a range's offsets without its task, an operator edited the ledger). No
   * worker can claim such a task, and its batch would hold a slot for ever: the driver stops and
   * says so instead of stalling quietly.
   *
   * @throws LedgerInconsistencyException naming up to five such tasks
   */
  public void requireNoTaskBehindItsOffset(String job) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT t.batch_id, t.topic, t.partition, t.from_offset, t.until_offset,"
                    + " o.until_offset FROM onceflow.tasks t JOIN onceflow.offsets o"
                    + " ON o.job = t.job AND o.topic = t.topic AND o.partition = t.partition"
                    + " WHERE t.job = ? AND t.state = 'planned' AND t.from_offset < o.until_offset"
                    + " ORDER BY t.topic, t.partition, t.batch_id LIMIT 5")) {
      s.setString(1, job);
      List<String> stranded = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          stranded.add("batch " + rs.getLong(1) + " " + rs.getString(2) + "-" + rs.getInt(3)
              + " [" + rs.getLong(4) + ", " + rs.getLong(5) + ") behind committed offset "
              + rs.getLong(6));
        }
      }
      if (!stranded.isEmpty()) {
        throw new LedgerInconsistencyException(
            "Ledger inconsistency (invariant I1): planned task(s) of job '" + job + "' lie behind"
                + " their partition's committed offset, so no worker can run them: "
                + String.join("; ", stranded) + ". Their offsets were committed without them"
                + " (the ledger was edited, or a job committed the task transaction itself on a"
                + " version without the commit guard). The driver stops rather than guess."
                + " Stop the job, check its sink for these ranges, then move the partition with"
                + " `onceflow offsets reset` to a position you trust.");
      }
    } catch (SQLException e) {
      throw SqlErrors.classify("check the planned tasks of job '" + job + "'", e);
    }
  }

  /**
   * In one transaction: checks the epoch, records new partitions at their start offsets and the
   * topic IDs of the changes, halts the partitions it names (retiring their planned tasks), asks
   * {@code planner} for ranges given the positions read after all that, and writes them as the
   * next batch.
   *
   * @param beforeCommit called with everything written but not committed (crash-point tests)
   * @return the new batch id, or empty when there was nothing to plan
   * @throws LostLeadershipException when {@code epoch} is not the job's current leader epoch
   */
  public OptionalLong commitPlan(
      String job,
      long epoch,
      PartitionChanges changes,
      Function<Map<PartitionId, PartitionPosition>, List<OffsetRange>> planner,
      Runnable beforeCommit) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        OptionalLong batch = plan(c, job, epoch, changes, planner);
        beforeCommit.run();
        c.commit();
        return batch;
      } catch (SQLException | RuntimeException e) {
        SqlErrors.rollbackAfter(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw SqlErrors.classify("write a plan for job '" + job + "'", e);
    }
  }

  private OptionalLong plan(
      Connection c,
      String job,
      long epoch,
      PartitionChanges changes,
      Function<Map<PartitionId, PartitionPosition>, List<OffsetRange>> planner)
      throws SQLException {
    try (PreparedStatement fence =
        c.prepareStatement(
            "UPDATE onceflow.jobs SET planned_at = now() WHERE job = ? AND leader_epoch = ?")) {
      fence.setString(1, job);
      fence.setLong(2, epoch);
      if (fence.executeUpdate() != 1) {
        throw new LostLeadershipException(job, epoch);
      }
    }
    insertNewPartitions(c, job, changes.newPartitionStarts(), changes.topicIds());
    PartitionHalts.recordTopicIds(c, job, changes.topicIds());
    for (PartitionHalts.Halt halt : changes.halts()) {
      PartitionHalts.halt(c, job, epoch, halt);
    }
    List<OffsetRange> ranges = planner.apply(positions(c, job));
    if (ranges.isEmpty()) {
      return OptionalLong.empty();
    }
    long batchId = nextBatchId(c, job);
    insertBatch(c, job, batchId, epoch, ranges);
    insertTasks(c, job, batchId, ranges);
    return OptionalLong.of(batchId);
  }

  private static void insertNewPartitions(
      Connection c, String job, Map<PartitionId, Long> starts, Map<PartitionId, String> topicIds)
      throws SQLException {
    if (starts.isEmpty()) {
      return;
    }
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO onceflow.offsets (job, topic, partition, start_offset, until_offset, topic_id)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      for (Map.Entry<PartitionId, Long> start : starts.entrySet()) {
        insert.setString(1, job);
        insert.setString(2, start.getKey().topic());
        insert.setInt(3, start.getKey().partition());
        insert.setLong(4, start.getValue());
        insert.setLong(5, start.getValue());
        insert.setString(6, topicIds.get(start.getKey()));
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static long nextBatchId(Connection c, String job) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT coalesce(max(batch_id), 0) + 1 FROM onceflow.batches WHERE job = ?")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void insertBatch(
      Connection c, String job, long batchId, long epoch, List<OffsetRange> ranges)
      throws SQLException {
    long offsets = ranges.stream().mapToLong(OffsetRange::count).sum();
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO onceflow.batches (job, batch_id, epoch, task_count, offset_count)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      s.setString(1, job);
      s.setLong(2, batchId);
      s.setLong(3, epoch);
      s.setInt(4, ranges.size());
      s.setLong(5, offsets);
      s.executeUpdate();
    }
  }

  private static void insertTasks(Connection c, String job, long batchId, List<OffsetRange> ranges)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO onceflow.tasks (job, batch_id, topic, partition, from_offset, until_offset)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      for (OffsetRange range : ranges) {
        s.setString(1, job);
        s.setLong(2, batchId);
        s.setString(3, range.topic());
        s.setInt(4, range.partition());
        s.setLong(5, range.from());
        s.setLong(6, range.until());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private static Map<PartitionId, PartitionPosition> positions(Connection c, String job)
      throws SQLException {
    Map<PartitionId, PartitionPosition> positions = new TreeMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT o.topic, o.partition, o.until_offset,"
                + " greatest(o.until_offset, coalesce(max(t.until_offset), o.until_offset)),"
                + " count(t.from_offset), o.topic_id, o.halted_reason"
                + " FROM onceflow.offsets o LEFT JOIN onceflow.tasks t"
                + "   ON t.job = o.job AND t.topic = o.topic AND t.partition = o.partition"
                + "  AND t.state = 'planned'"
                + " WHERE o.job = ?"
                + " GROUP BY o.topic, o.partition, o.until_offset, o.topic_id, o.halted_reason")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          PartitionId id = new PartitionId(rs.getString(1), rs.getInt(2));
          positions.put(
              id,
              new PartitionPosition(
                  id, rs.getLong(3), rs.getLong(4), rs.getInt(5), rs.getString(6), rs.getString(7)));
        }
      }
    }
    return positions;
  }
}
