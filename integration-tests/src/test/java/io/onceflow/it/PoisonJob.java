package io.onceflow.it;

import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import io.onceflow.connectors.postgres.SinkTable;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stores every record (value.format=string) in {@code seen}, and throws on any value that starts
 * with "poison": the job a user ships with a bug that one kind of record triggers. Counts its
 * calls so a test can check that isolating a bad record costs O(log n) calls.
 */
public final class PoisonJob implements Job<String> {
  static final AtomicLong CALLS = new AtomicLong();

  /** {@code job.param.accept.poison=true}: the job "after the fix", which handles poison too. */
  private boolean acceptPoison;

  @Override
  public void open(JobSetup setup) throws Exception {
    acceptPoison = Boolean.parseBoolean(setup.param("accept.poison", "false"));
    SinkTable.createIfMissing(
        setup.setupConnection(),
        "seen",
        "partition int, \"offset\" bigint, value text,"
          + " PRIMARY KEY (partition, \"offset\")");
  }

  @Override
  public void process(List<Record<String>> records, TaskContext context) throws Exception {
    CALLS.incrementAndGet();
    try (PreparedStatement s =
        context.connection().prepareStatement("INSERT INTO seen VALUES (?, ?, ?)")) {
      for (Record<String> r : records) {
        s.setInt(1, r.partition());
        s.setLong(2, r.offset());
        s.setString(3, r.value());
        s.addBatch();
      }
      // Written first, then the failure: the rollback must take these rows away too.
      s.executeBatch();
    }
    for (Record<String> r : records) {
      if (r.value().startsWith("poison") && !acceptPoison) {
        throw new IllegalStateException("cannot handle " + r.value());
      }
    }
  }
}
