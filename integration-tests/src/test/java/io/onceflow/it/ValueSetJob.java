package io.onceflow.it;

import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import io.onceflow.connectors.postgres.SinkTable;
import java.sql.PreparedStatement;
import java.util.List;

/**
 * A test job that stores each record's value (value.format=string) as the primary key of table
 * {@code values_seen}: a value applied twice fails the task, so duplicates cannot hide; values
 * are unique across a topic's lives, unlike offsets.
 */
public final class ValueSetJob implements Job<String> {
  @Override
  public void open(JobSetup setup) throws Exception {
    SinkTable.createIfMissing(
        setup.setupConnection(),
        "values_seen",
        "value text PRIMARY KEY, topic text, partition int, \"offset\" bigint");
  }

  @Override
  public void process(List<Record<String>> records, TaskContext context) throws Exception {
    try (PreparedStatement s =
        context.connection().prepareStatement("INSERT INTO values_seen VALUES (?, ?, ?, ?)")) {
      for (Record<String> r : records) {
        s.setString(1, r.value());
        s.setString(2, r.topic());
        s.setInt(3, r.partition());
        s.setLong(4, r.offset());
        s.addBatch();
      }
      s.executeBatch();
    }
  }
}
