package io.onceflow.admin;

import io.onceflow.ledger.Leadership;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The job's driver lock (see {@link Leadership}) as operators' tools see it: whether a driver
 * holds it, and taking it for the length of one admin transaction, so that no driver can start
 * planning halfway through an offset reset.
 */
final class DriverLock {
  /**
   * A boolean SQL expression over {@code j} (a row of {@code onceflow.jobs}): whether some session
   * holds the job's advisory lock now. Reads {@code pg_locks}; takes nothing.
   */
  static final String HELD_SQL =
      "EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted"
          + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
          + " AND l.classid = " + Leadership.LOCK_CLASS + "::oid AND l.objid = j.lock_key::oid"
          + " AND l.objsubid = 2)";

  private DriverLock() {}

  /**
   * Takes the job's lock until the end of {@code c}'s transaction; false when a driver holds it.
   */
  static boolean tryLockForTransaction(Connection c, int lockKey) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?, ?)")) {
      s.setInt(1, Leadership.LOCK_CLASS);
      s.setInt(2, lockKey);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }
}
