package io.onceflow.ledger;

import io.onceflow.api.LedgerInconsistencyException;
import io.onceflow.api.OffsetRange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The ledger statements of a task transaction (DESIGN §3), each on the caller's connection. The
 * order in which they run, and why it is exactly once, is documented in {@code TaskAttempt}.
 */
public final class TaskFence {

  /** What a fence that moved no row means. */
  public enum Miss {
    /** Another attempt committed this range, and its task row says so: nothing to do. */
    ALREADY_COMMITTED,
    /** An earlier range of the partition is not committed yet: release and retry later. */
    NOT_HEAD
  }

  private TaskFence() {}

  /**
   * Moves the partition's committed offset from the task's {@code from} to its {@code until}.
   * Must be the transaction's first statement: it takes the row lock that serializes attempts.
   *
   * @return true when this attempt owns the range for the rest of the transaction
   */
  public static boolean fence(Connection c, ClaimedTask task) throws SQLException {
    OffsetRange r = task.range();
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE onceflow.offsets SET until_offset = ?, batch_id = ?, updated_at = now()"
                + " WHERE job = ? AND topic = ? AND partition = ? AND until_offset = ?")) {
      s.setLong(1, r.until());
      s.setLong(2, task.batchId());
      s.setString(3, task.job());
      s.setString(4, r.topic());
      s.setInt(5, r.partition());
      s.setLong(6, r.from());
      return s.executeUpdate() == 1;
    }
  }

  /**
   * Explains a fence that moved no row, after the transaction was rolled back. Never marks a task
   * done from here: a committed range whose task row is not committed is an inconsistency.
   */
  public static Miss classifyMiss(Connection c, ClaimedTask task) throws SQLException {
    OffsetRange r = task.range();
    long stored = storedOffset(c, task);
    if (stored >= r.until()) {
      String state = taskState(c, task);
      if ("committed".equals(state)) {
        return Miss.ALREADY_COMMITTED;
      }
      throw new LedgerInconsistencyException(
          "Ledger inconsistency for job '"
              + task.job()
              + "': partition "
              + r.topic()
              + "-"
              + r.partition()
              + " is committed up to "
              + stored
              + ", past task "
              + task
              + ", but that task is '"
              + state
              + "', not committed. Stopping rather than guessing.");
    }
    if (stored <= r.from()) {
      return Miss.NOT_HEAD;
    }
    throw new LedgerInconsistencyException(
        "Ledger inconsistency for job '"
            + task.job()
            + "': partition "
            + r.topic()
            + "-"
            + r.partition()
            + " is committed up to "
            + stored
            + ", inside the planned range of task "
            + task
            + ". Stopping rather than guessing.");
  }

  /**
   * Marks the task committed (exactly one planned row must change) and, in the same round trip,
   * runs the guard before COMMIT: the fence's update must still be part of the transaction. A job
   * that rolled the connection back (or a savepoint rollback that crossed the fence) would
   * otherwise commit its writes without moving the offset.
   *
   * @return true when the partition's offset still reads the task's {@code until}: the fence holds
   */
  public static boolean markCommittedUnderFence(
      Connection c, ClaimedTask task, int records, int deadLetters) throws SQLException {
    OffsetRange r = task.range();
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE onceflow.tasks SET state = 'committed', committed_at = clock_timestamp(),"
                + " lease_holder = NULL, lease_until = NULL, records = ?, dead_letters = ?"
                + " WHERE job = ? AND batch_id = ? AND topic = ? AND partition = ?"
                + " AND state = 'planned'"
                + " RETURNING (SELECT o.until_offset FROM onceflow.offsets o"
                + " WHERE o.job = ? AND o.topic = ? AND o.partition = ?)")) {
      s.setInt(1, records);
      s.setInt(2, deadLetters);
      s.setString(3, task.job());
      s.setLong(4, task.batchId());
      s.setString(5, r.topic());
      s.setInt(6, r.partition());
      s.setString(7, task.job());
      s.setString(8, r.topic());
      s.setInt(9, r.partition());
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new LedgerInconsistencyException(
              "Ledger inconsistency: task " + task + " was fenced but its row is not 'planned'.");
        }
        long stored = rs.getLong(1);
        if (rs.wasNull()) {
          throw new LedgerInconsistencyException(
              "Ledger inconsistency: task " + task + " exists but its partition has no offsets row.");
        }
        return stored == r.until();
      }
    }
  }

  private static long storedOffset(Connection c, ClaimedTask task) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT until_offset FROM onceflow.offsets WHERE job = ? AND topic = ? AND partition = ?")) {
      s.setString(1, task.job());
      s.setString(2, task.range().topic());
      s.setInt(3, task.range().partition());
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new LedgerInconsistencyException(
              "Ledger inconsistency: task " + task + " exists but its partition has no offsets row.");
        }
        return rs.getLong(1);
      }
    }
  }

  private static String taskState(Connection c, ClaimedTask task) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT state FROM onceflow.tasks WHERE job = ? AND batch_id = ? AND topic = ?"
                + " AND partition = ?")) {
      s.setString(1, task.job());
      s.setLong(2, task.batchId());
      s.setString(3, task.range().topic());
      s.setInt(4, task.range().partition());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : "missing";
      }
    }
  }
}
