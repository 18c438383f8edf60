package io.onceflow.examples;

import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import io.onceflow.connectors.postgres.DeltaUpsert;
import io.onceflow.connectors.postgres.SinkTable;
import java.sql.SQLException;
import java.util.List;

/**
 * WORKLOAD.md's AGG job: counts records and sums {@code amount} per {@code user}, and adds the
 * task's totals onto {@code user_totals(user_id text primary key, events bigint not null, amount
 * bigint not null)} (parameter {@code job.param.table}), with {@code value.format = bytes}.
 *
 * <p>Adding is only correct because the engine commits the upsert together with the task's offsets:
 * a replayed task's first attempt never committed, so nothing is added twice (I2).
 *
 * <p>A value that is not an event (not JSON, no user or amount) is dead-lettered and the task goes
 * on; the dead letter commits in the same transaction, so that record is handled exactly once too.
 */
public final class AggJob implements Job<byte[]> {

  public static final String DEFAULT_TABLE = "user_totals";

  private final EventParser event = new EventParser();
  private String table = DEFAULT_TABLE;

  @Override
  public void open(JobSetup setup) throws SQLException {
    table = SinkTables.table(setup, DEFAULT_TABLE);
    SinkTable.createIfMissing(
        setup.setupConnection(),
        table,
        "user_id text PRIMARY KEY, events bigint NOT NULL, amount bigint NOT NULL");
  }

  @Override
  public void process(List<Record<byte[]>> records, TaskContext context) throws SQLException {
    DeltaUpsert totals =
        DeltaUpsert.into(context.connection(), table, "user_id", "events", "amount");
    for (Record<byte[]> record : records) {
      try {
        event.parse(record.value());
      } catch (InvalidEventException invalid) {
        context.deadLetter(record, invalid);
        continue;
      }
      byte[] userBytes = event.userBytes();
      if (userBytes != null) {
        // the fast path: the user's bytes straight into the aggregation, no String per record
        totals.add(userBytes, event.userFrom(), event.userTo(), 1, event.amount());
      } else {
        totals.add(event.user(), 1, event.amount());
      }
    }
    totals.flush();
  }
}
