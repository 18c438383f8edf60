package io.onceflow.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One active driver per job: a session advisory lock on a dedicated connection, plus a leader
 * epoch in {@code onceflow.jobs}.
 *
 * <p>The lock alone is not enough: it vanishes with its connection while the old driver may
 * still be running. So taking the lock also bumps the epoch, and every planning transaction
 * updates the job row {@code WHERE leader_epoch = :epoch} first (see {@link PlanStore}); an old
 * leader's plan then touches 0 rows and rolls back.
 *
 * <p>Not thread-safe: owned by the driver thread.
 */
public final class Leadership implements AutoCloseable {
  /** Advisory-lock class id, so our locks do not collide with another application's. */
  public static final int LOCK_CLASS = 0x4F4E4345; // "ONCE"

  private final Connection lockConnection;
  private final String job;
  private final int lockKey;
  private final String leaderId;
  private long epoch = -1;

  public Leadership(Connection lockConnection, String job, int lockKey, String leaderId) {
    this.lockConnection = lockConnection;
    this.job = job;
    this.lockKey = lockKey;
    this.leaderId = leaderId;
  }

  /** Tries once to become the leader; on success the new epoch is {@link #epoch()}. */
  public boolean tryAcquire() throws SQLException {
    try (PreparedStatement lock = lockConnection.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
      lock.setInt(1, LOCK_CLASS);
      lock.setInt(2, lockKey);
      try (ResultSet rs = lock.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return false;
        }
      }
    }
    try (PreparedStatement bump =
        lockConnection.prepareStatement(
            "UPDATE onceflow.jobs SET leader_epoch = leader_epoch + 1, leader = ? WHERE job = ?"
                + " RETURNING leader_epoch")) {
      bump.setString(1, leaderId);
      bump.setString(2, job);
      try (ResultSet rs = bump.executeQuery()) {
        rs.next();
        epoch = rs.getLong(1);
      }
    }
    return true;
  }

  public long epoch() {
    return epoch;
  }

  /** False once the lock's connection is gone: the lock went with it. */
  public boolean stillHeld() {
    try {
      return lockConnection.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      lockConnection.close(); // releases the session lock
    } catch (SQLException ignored) {
      // The connection is gone either way, and the lock with it.
    }
  }
}
