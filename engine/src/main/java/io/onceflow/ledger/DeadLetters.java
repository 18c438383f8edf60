package io.onceflow.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads and removes a job's rows of {@code onceflow.dead_letters}: what the {@code onceflow
 * dead-letters} commands show, and what a replay takes inside its transaction.
 *
 * <p>Thread-safe: the reading methods borrow their own connection; {@link #take} runs on the
 * caller's transaction.
 */
public final class DeadLetters {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS =
      "id, job, batch_id, topic, partition, \"offset\", record_key, record_value, headers::text,"
          + " error_class, error_message, attempts, created_at";

  private final DataSource dataSource;

  public DeadLetters(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The job's dead letters in id order, at most {@code limit}. */
  public List<StoredDeadLetter> list(String job, int limit) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT " + COLUMNS + " FROM onceflow.dead_letters WHERE job = ? ORDER BY id LIMIT ?")) {
      s.setString(1, job);
      s.setInt(2, limit);
      return read(s);
    } catch (SQLException e) {
      throw SqlErrors.classify("list the dead letters of job '" + job + "'", e);
    }
  }

  public Optional<StoredDeadLetter> find(String job, long id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT " + COLUMNS + " FROM onceflow.dead_letters WHERE job = ? AND id = ?")) {
      s.setString(1, job);
      s.setLong(2, id);
      return read(s).stream().findFirst();
    } catch (SQLException e) {
      throw SqlErrors.classify("read dead letter " + id + " of job '" + job + "'", e);
    }
  }

  public long count(String job) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT count(*) FROM onceflow.dead_letters WHERE job = ?")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw SqlErrors.classify("count the dead letters of job '" + job + "'", e);
    }
  }

  /**
   * Deletes the chosen dead letters in the caller's transaction and returns them in record order:
   * a replay takes its rows first, so the ledger's commit guard (migration V4) covers the whole
   * replay, and a COMMIT the job issues fails instead of committing its writes while the dead
   * letters stay (to be replayed, and applied, again). A concurrent replay of the same rows waits
   * on their row locks, then finds them gone: a record is never replayed twice.
   *
   * @param ids the rows to take; empty means every dead letter of the job
   */
  public static List<StoredDeadLetter> take(Connection c, String job, Collection<Long> ids)
      throws SQLException {
    String where = ids.isEmpty() ? "" : " AND id = ANY (?)";
    try (PreparedStatement s =
        c.prepareStatement(
            "DELETE FROM onceflow.dead_letters WHERE job = ?" + where + " RETURNING " + COLUMNS)) {
      s.setString(1, job);
      if (!ids.isEmpty()) {
        s.setArray(2, c.createArrayOf("bigint", ids.toArray()));
      }
      List<StoredDeadLetter> rows = read(s);
      rows.sort(
          Comparator.comparing(StoredDeadLetter::topic)
              .thenComparingInt(StoredDeadLetter::partition)
              .thenComparingLong(StoredDeadLetter::offset));
      return rows;
    }
  }

  private static List<StoredDeadLetter> read(PreparedStatement s) throws SQLException {
    List<StoredDeadLetter> rows = new ArrayList<>();
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        rows.add(
            new StoredDeadLetter(
                rs.getLong(1),
                rs.getString(2),
                rs.getLong(3),
                rs.getString(4),
                rs.getInt(5),
                rs.getLong(6),
                rs.getBytes(7),
                rs.getBytes(8),
                headers(rs.getString(9)),
                rs.getString(10),
                rs.getString(11),
                rs.getInt(12),
                rs.getTimestamp(13).toInstant()));
      }
    }
    return rows;
  }

  /** The headers as {@link DeadLetterStore} wrote them: {@code [{"key":…,"value":<base64>}]}. */
  static List<Map.Entry<String, byte[]>> headers(String json) throws SQLException {
    if (json == null) {
      return List.of();
    }
    try {
      List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
      for (JsonNode h : JSON.readTree(json)) {
        headers.add(Map.entry(h.get("key").asText(), h.get("value").binaryValue()));
      }
      return headers;
    } catch (IOException e) {
      throw new SQLException("Unreadable headers of a dead letter: " + json, e);
    }
  }
}
