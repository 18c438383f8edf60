package io.onceflow.it;

import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import io.onceflow.connectors.postgres.SinkTable;
import java.sql.PreparedStatement;
import java.util.List;

/** A test job that stores every record it sees (value.format=string) in table {@code seen}. */
public final class RecordingJob implements Job<String> {
  @Override
  public void open(JobSetup setup) throws Exception {
    SinkTable.createIfMissing(
        setup.setupConnection(),
        "seen",
        "topic text, partition int, \"offset\" bigint,"
            + " value text, PRIMARY KEY (topic, partition, \"offset\")");
  }

  @Override
  public void process(List<Record<String>> records, TaskContext context) throws Exception {
    try (PreparedStatement s =
        context.connection().prepareStatement("INSERT INTO seen VALUES (?, ?, ?, ?)")) {
      for (Record<String> r : records) {
        s.setString(1, r.topic());
        s.setInt(2, r.partition());
        s.setLong(3, r.offset());
        s.setString(4, r.value());
        s.addBatch();
      }
      s.executeBatch();
    }
  }
}
