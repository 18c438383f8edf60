package io.onceflow.ledger;

import io.onceflow.api.OffsetRange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes the offsets Kafka had deleted before a task read them ({@code source.deleted.offsets=skip})
 * into {@code onceflow.gaps}, inside the task transaction: the gap commits with its task or not at
 * all, so the ledger never shows a skipped range without the task that skipped it.
 */
public final class GapStore {
  private GapStore() {}

  public static void insert(Connection c, ClaimedTask task, List<OffsetRange> gaps) throws SQLException {
    if (gaps.isEmpty()) {
      return;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO onceflow.gaps (job, batch_id, topic, partition, from_offset, until_offset)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      for (OffsetRange gap : gaps) {
        s.setString(1, task.job());
        s.setLong(2, task.batchId());
        s.setString(3, gap.topic());
        s.setInt(4, gap.partition());
        s.setLong(5, gap.from());
        s.setLong(6, gap.until());
        s.addBatch();
      }
      s.executeBatch();
    }
  }
}
