package io.onceflow.testkit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads a job's dead letters from the ledger, for assertions. */
public final class DeadLetterRows {
  private DeadLetterRows() {}

  /** One dead letter: where it was, what it held, why it failed. */
  public record DeadLetterRow(
      String topic, int partition, long offset, byte[] value, String errorClass, String errorMessage) {}

  public static List<DeadLetterRow> read(Connection c, String job) throws SQLException {
    List<DeadLetterRow> rows = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT topic, partition, \"offset\", record_value, error_class, error_message"
                + " FROM onceflow.dead_letters WHERE job = ? ORDER BY topic, partition, \"offset\"")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(new DeadLetterRow(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getBytes(4),
              rs.getString(5), rs.getString(6)));
        }
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
        return rows; // no ledger yet: no dead letters
      }
      throw e;
    }
    return rows;
  }
}
