package io.onceflow.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;

/** Writes dead letters inside the task transaction that handles their records. */
public final class DeadLetterStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DeadLetterStore() {}

  public static void insert(
      Connection c, ClaimedTask task, List<DeadLetter> deadLetters) throws SQLException {
    if (deadLetters.isEmpty()) {
      return;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO onceflow.dead_letters (job, batch_id, topic, partition, \"offset\","
                + " record_key, record_value, headers, error_class, error_message, attempts)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)")) {
      for (DeadLetter d : deadLetters) {
        s.setString(1, task.job());
        s.setLong(2, task.batchId());
        s.setString(3, d.topic());
        s.setInt(4, d.partition());
        s.setLong(5, d.offset());
        s.setBytes(6, d.key());
        s.setBytes(7, d.value());
        if (d.headers() == null || d.headers().isEmpty()) {
          s.setNull(8, Types.OTHER);
        } else {
          s.setString(8, headersJson(d.headers()));
        }
        s.setString(9, d.errorClass());
        s.setString(10, truncate(d.errorMessage()));
        s.setInt(11, task.attempts());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  static String headersJson(List<Map.Entry<String, byte[]>> headers) {
    ArrayNode array = JSON.createArrayNode();
    for (Map.Entry<String, byte[]> h : headers) {
      array.addObject().put("key", h.getKey()).put("value", h.getValue());
    }
    return array.toString();
  }

  private static String truncate(String message) {
    if (message == null || message.length() <= 4000) {
      return message;
    }
    return message.substring(0, 4000) + "…";
  }
}
