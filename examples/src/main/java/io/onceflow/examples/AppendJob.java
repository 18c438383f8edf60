package io.onceflow.examples;

import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import io.onceflow.connectors.postgres.CopyAppender;
import io.onceflow.connectors.postgres.SinkTable;
import java.sql.SQLException;
import java.util.List;

/**
 * WORKLOAD.md's APPEND job: writes every record to {@code events(partition int, "offset" bigint,
 * user_id text, amount bigint, ts bigint, primary key (partition, "offset"))} (parameter {@code
 * job.param.table}) with one COPY per task, {@code value.format = bytes}.
 *
 * <p>The primary key is a tripwire, not the mechanism: exactly-once comes from the engine
 * committing the rows with the offsets, and a duplicate would fail the task loudly rather than slip
 * in. It assumes a single source topic, as in the workload.
 *
 * <p>A value that is not an event (not JSON, no user or amount) is dead-lettered and the task goes
 * on; a missing {@code ts} is stored as NULL.
 */
public final class AppendJob implements Job<byte[]> {

  public static final String DEFAULT_TABLE = "events";

  private final EventParser event = new EventParser();
  private String table = DEFAULT_TABLE;

  @Override
  public void open(JobSetup setup) throws SQLException {
    table = SinkTables.table(setup, DEFAULT_TABLE);
    SinkTable.createIfMissing(
        setup.setupConnection(),
        table,
        "partition int, \"offset\" bigint, user_id text, amount bigint, ts bigint,"
            + " PRIMARY KEY (partition, \"offset\")");
  }

  @Override
  public void process(List<Record<byte[]>> records, TaskContext context) throws SQLException {
    CopyAppender rows =
        CopyAppender.to(
            context.connection(), table, "partition", "offset", "user_id", "amount", "ts");
    for (Record<byte[]> record : records) {
      try {
        event.parse(record.value());
      } catch (InvalidEventException invalid) {
        context.deadLetter(record, invalid);
        continue;
      }
      CopyAppender.Row row = rows.beginRow().add(record.partition()).add(record.offset());
      byte[] userBytes = event.userBytes();
      if (userBytes != null) {
        row.addUtf8(userBytes, event.userFrom(), event.userTo()); // no String per record
      } else {
        row.add(event.user());
      }
      row.add(event.amount());
      if (event.hasTs()) {
        row.add(event.ts());
      } else {
        row.addNull();
      }
      row.endRow();
    }
    rows.flush();
  }
}
