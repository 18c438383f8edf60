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
   * Must be the transaction's first write: it takes the row lock that serializes attempts. A
   * halted partition ({@link PartitionHalts}) moves no row: from the halt's commit on, nothing
   * of the partition commits, whatever a worker read.
   *
   * <p>In the same round trip, and before the fence: {@code RESET ALL}, so the task runs with the
   * session settings the connection was opened with (the safety timeouts of DESIGN §3 among
   * them), whatever a job {@code SET} on this pooled connection before. After the fence, the
   * transaction is marked as the engine's ({@code onceflow.guarded_txid}), so the commit guard of
   * the ledger refuses any COMMIT the engine did not authorize ({@link #markCommittedUnderFence}).
   * Neither is a savepoint, and neither writes, so the fence stays the first write of DESIGN §3.
   *
   * @return the fenced transaction's id when this attempt owns the range for the rest of the
   *     transaction, or -1 when the fence moved no row
   */
  public static long fence(Connection c, ClaimedTask task) throws SQLException {
    OffsetRange r = task.range();
    try (PreparedStatement s =
        c.prepareStatement(
            "RESET ALL; UPDATE onceflow.offsets SET until_offset = ?, batch_id = ?, updated_at = now()"
                + " WHERE job = ? AND topic = ? AND partition = ? AND until_offset = ?"
                + " AND halted_at IS NULL RETURNING " + GUARD_TRANSACTION)) {
      s.setLong(1, r.until());
      s.setLong(2, task.batchId());
      s.setString(3, task.job());
      s.setString(4, r.topic());
      s.setInt(5, r.partition());
      s.setLong(6, r.from());
      return firstLong(s);
    }
  }

  /** Marks the current transaction as the engine's, returning its id. */
  static final String GUARD_TRANSACTION =
      "set_config('onceflow.guarded_txid', txid_current()::text, true)::bigint";

  /**
   * Opens a transaction the commit guard protects without a fence (a dead-letter replay): resets
   * the session as {@link #fence} does and marks the transaction. Returns its id.
   */
  public static long guard(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("RESET ALL; SELECT " + GUARD_TRANSACTION)) {
      return firstLong(s);
    }
  }

  /** The number in the first row of the statement's rows, or -1 when it has no row. */
  private static long firstLong(PreparedStatement s) throws SQLException {
    try (ResultSet rs = firstResultSet(s)) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  /** Runs a statement that starts with {@code RESET ALL;} and returns its rows. */
  private static ResultSet firstResultSet(PreparedStatement s) throws SQLException {
    boolean isResultSet = s.execute();
    while (!isResultSet) {
      if (s.getUpdateCount() == -1) {
        throw new IllegalStateException("statement returned no rows: " + s);
      }
      isResultSet = s.getMoreResults();
    }
    return s.getResultSet();
  }

  /**
   * The guard before a COMMIT of a transaction opened by {@link #guard}: authorizes the commit
   * when the connection is still in that very transaction, after a {@code RESET ALL} (see {@link
   * #markCommittedUnderFence}).
   *
   * @return false when the transaction is another one (the job ended the guarded one)
   */
  public static boolean authorizeCommit(Connection c, long guardedTxid) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("RESET ALL; SELECT " + AUTHORIZE_COMMIT)) {
      return firstLong(s) == guardedTxid;
    }
  }

  /** Authorizes the commit of the current transaction for the commit guard; yields its id. */
  private static final String AUTHORIZE_COMMIT =
      "set_config('onceflow.commit_txid', txid_current()::text, true)::bigint";

  /** The id of the connection's current transaction (assigning one if it has none yet). */
  public static long currentTransaction(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT txid_current()");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Explains a fence that moved no row, after the transaction was rolled back. Never marks a task
   * done from here: a committed range whose task row is not committed is an inconsistency, unless
   * ledger retention deleted the row after it committed.
   */
  public static Miss classifyMiss(Connection c, ClaimedTask task) throws SQLException {
    OffsetRange r = task.range();
    long stored = storedOffset(c, task);
    if (stored >= r.until()) {
      String state = taskState(c, task);
      if ("committed".equals(state)) {
        return Miss.ALREADY_COMMITTED;
      }
      if ("missing".equals(state) && pruned(c, task)) {
        // Committed by another attempt, then deleted by ledger retention (LedgerRetention prunes
        // only batches whose every task is committed): this attempt waited longer than that.
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

  /** What the guard before COMMIT found. */
  public enum Guard {
    /** The fence is part of this very transaction: the commit is authorized. */
    HOLDS,
    /** The transaction is the fenced one, but its offset no longer reads the task's until. */
    FENCE_GONE,
    /** The connection is in another transaction than the fenced one: the job ended it. */
    OTHER_TRANSACTION
  }

  /**
   * Marks the task committed (exactly one planned row must change) and, in the same round trip,
   * runs the guard before COMMIT: the connection must still be in the fenced transaction ({@code
   * txid_current()} as at the fence: a job that ended the transaction with SQL and wrote on is in
   * another one, whose offsets row may read the same value) and the offset must still read the
   * task's until (a savepoint rollback across the fence would undo it). When both hold, the same
   * statement authorizes the commit for the ledger's commit guard.
   *
   * <p>It starts with {@code RESET ALL}: a session setting the job changed in this transaction
   * (a {@code SET lock_timeout}, a {@code search_path}) would otherwise be committed with it and
   * stay on the pooled connection for the engine's next use of it.
   */
  public static Guard markCommittedUnderFence(
      Connection c, ClaimedTask task, long fencedTxid, int records, int deadLetters)
      throws SQLException {
    OffsetRange r = task.range();
    try (PreparedStatement s =
        c.prepareStatement(
            "RESET ALL; UPDATE onceflow.tasks SET state = 'committed',"
                + " committed_at = clock_timestamp(),"
                + " lease_holder = NULL, lease_until = NULL, records = ?, dead_letters = ?"
                + " WHERE job = ? AND batch_id = ? AND topic = ? AND partition = ?"
                + " AND state = 'planned'"
                + " RETURNING (SELECT o.until_offset FROM onceflow.offsets o"
                + " WHERE o.job = ? AND o.topic = ? AND o.partition = ?), "
                + AUTHORIZE_COMMIT)) {
      s.setInt(1, records);
      s.setInt(2, deadLetters);
      s.setString(3, task.job());
      s.setLong(4, task.batchId());
      s.setString(5, r.topic());
      s.setInt(6, r.partition());
      s.setString(7, task.job());
      s.setString(8, r.topic());
      s.setInt(9, r.partition());
      try (ResultSet rs = firstResultSet(s)) {
        if (!rs.next()) {
          throw new LedgerInconsistencyException(
              "Ledger inconsistency: task " + task + " was fenced but its row is not 'planned'.");
        }
        long stored = rs.getLong(1);
        if (rs.wasNull()) {
          throw new LedgerInconsistencyException(
              "Ledger inconsistency: task " + task + " exists but its partition has no offsets row.");
        }
        if (rs.getLong(2) != fencedTxid) {
          return Guard.OTHER_TRANSACTION;
        }
        return stored == r.until() ? Guard.HOLDS : Guard.FENCE_GONE;
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

  /** Whether ledger retention deleted the task's batch (every batch up to its watermark). */
  private static boolean pruned(Connection c, ClaimedTask task) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT through_batch >= ? FROM onceflow.retention WHERE job = ?")) {
      s.setLong(1, task.batchId());
      s.setString(2, task.job());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
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
