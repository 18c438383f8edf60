package io.onceflow.it;

import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import io.onceflow.connectors.postgres.SinkTable;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;

/**
 * A job that breaks the rules in a way the guarded connection cannot see: it ends the task
 * transaction with a {@code ROLLBACK} statement, then keeps writing in the transaction the driver
 * opens next. Only the guard before COMMIT stands between its writes and a commit without offsets.
 */
public final class SqlRollbackJob implements Job<String> {
  @Override
  public void open(JobSetup setup) throws Exception {
    SinkTable.createIfMissing(setup.setupConnection(), "leaked", "\"offset\" bigint, phase text");
  }

  @Override
  public void process(List<Record<String>> records, TaskContext context) throws Exception {
    insert(context, records, "before rollback");
    try (Statement s = context.connection().createStatement()) {
      s.execute("ROLLBACK");
    }
    insert(context, records, "after rollback");
  }

  private static void insert(TaskContext context, List<Record<String>> records, String phase)
      throws Exception {
    try (PreparedStatement s =
        context.connection().prepareStatement("INSERT INTO leaked VALUES (?, ?)")) {
      for (Record<String> r : records) {
        s.setLong(1, r.offset());
        s.setString(2, phase);
        s.addBatch();
      }
      s.executeBatch();
    }
  }
}
