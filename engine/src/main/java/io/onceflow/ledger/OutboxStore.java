package io.onceflow.ledger;

import io.onceflow.api.OutputRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The outbox (migration V7, docs/outbox.md): what jobs emit, stored in their task's transaction,
 * and what the relay reads, publishes and deletes.
 *
 * <p>Records are numbered per <em>stream</em> (one per source partition) from the partition's
 * offsets row, which the task's fence holds locked until COMMIT: numbers follow commit order.
 */
public final class OutboxStore {
  private OutboxStore() {}

  /** One row of the outbox, as the relay publishes it. */
  public record Row(
      PartitionId stream,
      long seq,
      long batchId,
      long sourceFrom,
      String topic,
      Integer partition,
      byte[] key,
      byte[] value,
      List<Map.Entry<String, byte[]>> headers) {

    /** The record and the task that emitted it, for messages. */
    public String describe() {
      return "record " + seq + " of stream " + stream + " (emitted by the task of batch " + batchId
          + " from offset " + sourceFrom + ") to topic '" + topic + "'"
          + (partition == null ? "" : " partition " + partition);
    }
  }

  /** A stream with records the relay has not published as far as PostgreSQL knows. */
  public record Pending(PartitionId stream, long lastSeq, long relayedSeq) {}

  /**
   * Writes {@code records} to the outbox inside the open task transaction on {@code c}, numbered
   * after the stream's last record. The offsets row is already locked by the fence (or, for a
   * dead-letter replay, is locked here): the numbers are in commit order.
   */
  public static void append(Connection c, ClaimedTask task, List<OutputRecord> records)
      throws SQLException {
    if (records.isEmpty()) {
      return;
    }
    String topic = task.range().topic();
    int partition = task.range().partition();
    long last;
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE onceflow.offsets SET outbox_seq = outbox_seq + ? WHERE job = ? AND topic = ?"
            + " AND partition = ? RETURNING outbox_seq")) {
      s.setLong(1, records.size());
      s.setString(2, task.job());
      s.setString(3, topic);
      s.setInt(4, partition);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("No offsets row for " + topic + "-" + partition + " of job '"
              + task.job() + "': the task's partition is not in the ledger");
        }
        last = rs.getLong(1);
      }
    }
    long seq = last - records.size();
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO onceflow.outbox (job, source_topic, source_partition, seq, batch_id,"
            + " source_from, topic, partition, record_key, record_value, headers)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)")) {
      for (OutputRecord r : records) {
        s.setString(1, task.job());
        s.setString(2, topic);
        s.setInt(3, partition);
        s.setLong(4, ++seq);
        s.setLong(5, task.batchId());
        s.setLong(6, task.range().from());
        s.setString(7, r.topic());
        if (r.partition() == null) {
          s.setNull(8, Types.INTEGER);
        } else {
          s.setInt(8, r.partition());
        }
        s.setBytes(9, r.key());
        s.setBytes(10, r.value());
        if (r.headers().isEmpty()) {
          s.setNull(11, Types.OTHER);
        } else {
          s.setString(11, DeadLetterStore.headersJson(r.headers()));
        }
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /** Whether the job has anything in its outbox: the relay starts its producer only then. */
  public static boolean hasRows(Connection c, String job) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT 1 FROM onceflow.outbox WHERE job = ? LIMIT 1")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The job's incarnation: part of the relay's progress keys in Kafka (migration V7). */
  public static String incarnation(Connection c, String job) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT outbox_incarnation::text FROM onceflow.jobs WHERE job = ?")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("Job '" + job + "' is not in the ledger");
        }
        return rs.getString(1);
      }
    }
  }

  /** Streams with committed records numbered above what PostgreSQL records as relayed. */
  public static List<Pending> pending(Connection c, String job) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT o.topic, o.partition, o.outbox_seq, coalesce(r.relayed_seq, 0)"
            + " FROM onceflow.offsets o LEFT JOIN onceflow.outbox_relayed r"
            + " ON r.job = o.job AND r.source_topic = o.topic AND r.source_partition = o.partition"
            + " WHERE o.job = ? AND o.outbox_seq > coalesce(r.relayed_seq, 0)"
            + " ORDER BY o.topic, o.partition")) {
      s.setString(1, job);
      List<Pending> pending = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          pending.add(new Pending(
              new PartitionId(rs.getString(1), rs.getInt(2)), rs.getLong(3), rs.getLong(4)));
        }
      }
      return pending;
    }
  }

  /** Up to {@code limit} committed records of {@code stream} numbered above {@code after}. */
  public static List<Row> after(Connection c, String job, PartitionId stream, long after, int limit)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT seq, batch_id, source_from, topic, partition, record_key, record_value,"
            + " headers::text FROM onceflow.outbox WHERE job = ? AND source_topic = ?"
            + " AND source_partition = ? AND seq > ? ORDER BY seq LIMIT ?")) {
      s.setString(1, job);
      s.setString(2, stream.topic());
      s.setInt(3, stream.partition());
      s.setLong(4, after);
      s.setInt(5, limit);
      List<Row> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          int partition = rs.getInt(5);
          rows.add(new Row(stream, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
              rs.wasNull() ? null : partition, rs.getBytes(6), rs.getBytes(7),
              rs.getString(8) == null ? List.of() : DeadLetters.headers(rs.getString(8))));
        }
      }
      return rows;
    }
  }

  /**
   * Records that Kafka holds {@code stream} published through {@code seq}, and deletes those
   * rows, in one short transaction. Called only after the Kafka transaction that published them
   * committed: this bookkeeping lags Kafka's, never leads it.
   */
  public static void relayed(Connection c, String job, PartitionId stream, long seq)
      throws SQLException {
    try (PreparedStatement up = c.prepareStatement(
            "INSERT INTO onceflow.outbox_relayed (job, source_topic, source_partition, relayed_seq)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (job, source_topic, source_partition) DO UPDATE"
                + " SET relayed_seq = greatest(onceflow.outbox_relayed.relayed_seq,"
                + " excluded.relayed_seq), relayed_at = now()");
        PreparedStatement delete = c.prepareStatement(
            "DELETE FROM onceflow.outbox WHERE job = ? AND source_topic = ?"
                + " AND source_partition = ? AND seq <= ?")) {
      up.setString(1, job);
      up.setString(2, stream.topic());
      up.setInt(3, stream.partition());
      up.setLong(4, seq);
      up.executeUpdate();
      delete.setString(1, job);
      delete.setString(2, stream.topic());
      delete.setInt(3, stream.partition());
      delete.setLong(4, seq);
      delete.executeUpdate();
    }
  }
}
