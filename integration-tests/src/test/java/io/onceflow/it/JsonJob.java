package io.onceflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import io.onceflow.connectors.postgres.SinkTable;
import java.sql.PreparedStatement;
import java.util.List;

/** Stores every record's offset and JSON value ({@code value.format=json}) in table {@code seen}. */
public final class JsonJob implements Job<JsonNode> {
  @Override
  public void open(JobSetup setup) throws Exception {
    SinkTable.createIfMissing(
        setup.setupConnection(),
        "seen",
        "partition int, \"offset\" bigint, value text,"
          + " PRIMARY KEY (partition, \"offset\")");
  }

  @Override
  public void process(List<Record<JsonNode>> records, TaskContext context) throws Exception {
    try (PreparedStatement s =
        context.connection().prepareStatement("INSERT INTO seen VALUES (?, ?, ?)")) {
      for (Record<JsonNode> r : records) {
        s.setInt(1, r.partition());
        s.setLong(2, r.offset());
        s.setString(3, r.value().toString());
        s.addBatch();
      }
      s.executeBatch();
    }
  }
}
