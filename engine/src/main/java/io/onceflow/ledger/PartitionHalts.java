package io.onceflow.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Halts partitions whose log is no longer the one their committed offset points into, and
 * records topic IDs (ledger version 5). Statements on the caller's connection, inside a
 * transaction that checked the leader epoch (a plan) or holds the job's lock (a reset).
 *
 * <p>A halt sets {@code offsets.halted_at}, which the task fence requires to be null: from the
 * halt's commit on, no task of the partition can commit, whatever a worker read. It retires the
 * partition's planned tasks (no worker claims them, they hold no {@code batch.max.in.flight}
 * slot) and keeps a row in {@code partition_halts} that outlives the reset lifting it.
 */
public final class PartitionHalts {

  /** Why the log changed under the partition. */
  public enum Kind {
    /** The topic's ID changed: deleted and created again under the same name. */
    RECREATED,
    /** The log ends below the committed (or planned) offset. */
    TRUNCATED,
    /** Kafka no longer knows the topic or the partition. */
    DELETED;

    String sql() {
      return name().toLowerCase();
    }
  }

  /** One partition to halt; {@code reason} says what happened and what to run, for operators. */
  public record Halt(PartitionId partition, Kind kind, String reason) {}

  private PartitionHalts() {}

  /** Records topic IDs of partitions that have none yet; a recorded ID is never overwritten. */
  static void recordTopicIds(Connection c, String job, Map<PartitionId, String> topicIds)
      throws SQLException {
    if (topicIds.isEmpty()) {
      return;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE onceflow.offsets SET topic_id = ? WHERE job = ? AND topic = ? AND partition = ?"
                + " AND topic_id IS NULL")) {
      for (Map.Entry<PartitionId, String> id : topicIds.entrySet()) {
        s.setString(1, id.getValue());
        s.setString(2, job);
        s.setString(3, id.getKey().topic());
        s.setInt(4, id.getKey().partition());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /**
   * Halts one partition (a no-op when it is halted already) and retires its planned tasks.
   *
   * @return the number of tasks retired, or -1 when the partition was halted already
   */
  static int halt(Connection c, String job, long epoch, Halt halt) throws SQLException {
    long committed;
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE onceflow.offsets SET halted_at = now(), halted_reason = ?"
                + " WHERE job = ? AND topic = ? AND partition = ? AND halted_at IS NULL"
                + " RETURNING until_offset")) {
      s.setString(1, halt.reason());
      bind(s, 2, job, halt.partition());
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return -1;
        }
        committed = rs.getLong(1);
      }
    }
    int retired;
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE onceflow.tasks SET state = 'retired', lease_holder = NULL, lease_until = NULL,"
                + " last_error = ? WHERE job = ? AND topic = ? AND partition = ? AND state = 'planned'")) {
      s.setString(1, "retired: " + halt.reason());
      bind(s, 2, job, halt.partition());
      retired = s.executeUpdate();
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO onceflow.partition_halts (job, topic, partition, kind, reason,"
                + " committed_offset, tasks_retired, leader_epoch) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      bind(s, 1, job, halt.partition());
      s.setString(4, halt.kind().sql());
      s.setString(5, halt.reason());
      s.setLong(6, committed);
      s.setInt(7, retired);
      s.setLong(8, epoch);
      s.executeUpdate();
    }
    return retired;
  }

  /**
   * Lifts the halt of a partition an operator reset, recording the topic ID its new position
   * points into (null when Kafka does not know the topic: the next plan that sees it records
   * it). Returns whether the partition was halted.
   */
  public static boolean clear(Connection c, String job, PartitionId partition, String topicId)
      throws SQLException {
    boolean wasHalted;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT halted_at IS NOT NULL FROM onceflow.offsets"
                + " WHERE job = ? AND topic = ? AND partition = ?")) {
      bind(s, 1, job, partition);
      try (ResultSet rs = s.executeQuery()) {
        wasHalted = rs.next() && rs.getBoolean(1);
      }
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE onceflow.offsets SET halted_at = NULL, halted_reason = NULL, topic_id = ?"
                + " WHERE job = ? AND topic = ? AND partition = ?")) {
      s.setString(1, topicId);
      bind(s, 2, job, partition);
      s.executeUpdate();
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE onceflow.partition_halts SET cleared_at = now()"
                + " WHERE job = ? AND topic = ? AND partition = ? AND cleared_at IS NULL")) {
      bind(s, 1, job, partition);
      s.executeUpdate();
    }
    return wasHalted;
  }

  private static void bind(PreparedStatement s, int first, String job, PartitionId p)
      throws SQLException {
    s.setString(first, job);
    s.setString(first + 1, p.topic());
    s.setInt(first + 2, p.partition());
  }
}
