package io.onceflow.ledger;

import io.onceflow.api.OffsetRange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Claims, renews and releases tasks. PostgreSQL is the coordinator: {@code FOR UPDATE SKIP
 * LOCKED} hands each task to one claimer at a time, and leases use the database clock ({@code
 * now()}), never a worker's own clock.
 *
 * <p>Only the head task of a partition is claimable (its {@code from_offset} equals the committed
 * position), so a worker never waits on a fence behind an earlier uncommitted range. A claim is
 * an optimisation, not the guarantee: the fence of the task transaction is (DESIGN §3).
 *
 * <p>Thread-safe: every call borrows its own connection.
 */
public final class TaskQueue {
  private static final String CLAIM =
      "WITH head AS ("
          + "  SELECT t.batch_id, t.topic, t.partition, o.topic_id FROM onceflow.tasks t"
          + "  JOIN onceflow.offsets o ON o.job = t.job AND o.topic = t.topic"
          + "   AND o.partition = t.partition AND o.until_offset = t.from_offset"
          + "   AND o.halted_at IS NULL"
          + "  WHERE t.job = ? AND t.state = 'planned'"
          + "   AND (t.lease_until IS NULL OR t.lease_until < now())"
          + "  ORDER BY t.batch_id, t.topic, t.partition"
          + "  LIMIT 1 FOR UPDATE OF t SKIP LOCKED)"
          + " UPDATE onceflow.tasks t SET lease_holder = ?,"
          + "   lease_until = now() + ? * interval '1 millisecond',"
          + "   attempts = t.attempts + 1, started_at = coalesce(t.started_at, now())"
          + " FROM head WHERE t.job = ? AND t.batch_id = head.batch_id"
          + "  AND t.topic = head.topic AND t.partition = head.partition"
          + " RETURNING t.batch_id, t.topic, t.partition, t.from_offset, t.until_offset, t.attempts,"
          + "   t.failures, head.topic_id";

  private final DataSource dataSource;

  public TaskQueue(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public Optional<ClaimedTask> claim(String job, String workerId, long leaseMs) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(CLAIM)) {
      s.setString(1, job);
      s.setString(2, workerId);
      s.setLong(3, leaseMs);
      s.setString(4, job);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        OffsetRange range =
            new OffsetRange(rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getLong(5));
        return Optional.of(
            new ClaimedTask(job, rs.getLong(1), range, rs.getInt(6), rs.getInt(7), rs.getString(8)));
      }
    } catch (SQLException e) {
      throw SqlErrors.classify("claim a task of job '" + job + "'", e);
    }
  }

  /**
   * Extends the leases of the tasks this worker's threads are running, on an autocommit connection
   * separate from the task transactions. Returns how many leases were extended.
   *
   * <p>Only those: a lease this worker holds but no thread runs — its claim's answer was lost, or
   * its release failed while the database was away — must run out so another worker can take the
   * task. Renewing every lease held by the worker kept such a task leased forever and stalled its
   * partition (found by ChaosIT across a PostgreSQL restart).
   */
  public int renewLeases(String job, String workerId, long leaseMs, Collection<ClaimedTask> running) {
    if (running.isEmpty()) {
      return 0;
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE onceflow.tasks t SET lease_until = now() + ? * interval '1 millisecond'"
                    + " FROM unnest(?::bigint[], ?::text[], ?::int[]) AS r(batch_id, topic, partition)"
                    + " WHERE t.job = ? AND t.lease_holder = ? AND t.state = 'planned'"
                    + " AND t.batch_id = r.batch_id AND t.topic = r.topic AND t.partition = r.partition")) {
      s.setLong(1, leaseMs);
      s.setArray(2, c.createArrayOf("bigint", running.stream().map(ClaimedTask::batchId).toArray()));
      s.setArray(3, c.createArrayOf("text", running.stream().map(t -> t.range().topic()).toArray()));
      s.setArray(4, c.createArrayOf("int4", running.stream().map(t -> t.range().partition()).toArray()));
      s.setString(5, job);
      s.setString(6, workerId);
      return s.executeUpdate();
    } catch (SQLException e) {
      throw SqlErrors.classify("renew the leases of worker " + workerId, e);
    }
  }

  /**
   * Gives a task back so another attempt can claim it after {@code retryAfterMs}; a no-op if the
   * lease is no longer ours.
   *
   * @param jobFailed true when the job failed on this attempt: it counts towards {@code
   *     worker.task.attempts} (an outage or a fence that was not the head does not)
   */
  public void release(
      ClaimedTask task, String workerId, long retryAfterMs, String error, boolean jobFailed) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE onceflow.tasks SET lease_holder = NULL,"
                    + " lease_until = now() + ? * interval '1 millisecond',"
                    + " last_error = coalesce(?, last_error),"
                    + " failures = failures + CASE WHEN ? THEN 1 ELSE 0 END"
                    + " WHERE job = ? AND batch_id = ? AND topic = ? AND partition = ?"
                    + " AND lease_holder = ? AND state = 'planned'")) {
      s.setLong(1, retryAfterMs);
      s.setString(2, error);
      s.setBoolean(3, jobFailed);
      s.setString(4, task.job());
      s.setLong(5, task.batchId());
      s.setString(6, task.range().topic());
      s.setInt(7, task.range().partition());
      s.setString(8, workerId);
      s.executeUpdate();
    } catch (SQLException e) {
      throw SqlErrors.classify("release task " + task, e);
    }
  }

  /**
   * Gives back a task a stopping worker abandoned (rolled back): claimable at once, and the
   * attempt is not counted, since the job did not fail on it. A no-op if the lease is not ours.
   */
  public void abandon(ClaimedTask task, String workerId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE onceflow.tasks SET lease_holder = NULL, lease_until = NULL,"
                    + " attempts = greatest(attempts - 1, 0)"
                    + " WHERE job = ? AND batch_id = ? AND topic = ? AND partition = ?"
                    + " AND lease_holder = ? AND state = 'planned'")) {
      s.setString(1, task.job());
      s.setLong(2, task.batchId());
      s.setString(3, task.range().topic());
      s.setInt(4, task.range().partition());
      s.setString(5, workerId);
      s.executeUpdate();
    } catch (SQLException e) {
      throw SqlErrors.classify("give back task " + task, e);
    }
  }

  /** Releases everything a stopping worker still holds, so others can claim at once. */
  public void releaseAll(String job, String workerId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE onceflow.tasks SET lease_holder = NULL, lease_until = NULL"
                    + " WHERE job = ? AND lease_holder = ? AND state = 'planned'")) {
      s.setString(1, job);
      s.setString(2, workerId);
      s.executeUpdate();
    } catch (SQLException e) {
      throw SqlErrors.classify("release the leases of worker " + workerId, e);
    }
  }
}
