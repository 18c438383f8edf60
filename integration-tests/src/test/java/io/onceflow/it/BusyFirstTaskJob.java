package io.onceflow.it;

import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import io.onceflow.examples.AggJob;
import java.sql.Statement;
import java.util.List;

/**
 * The AGG job whose task starting at offset 0 first keeps its transaction busy for {@code
 * job.param.busy.ms} (default 10 s): short {@code pg_sleep} statements, so the session is never
 * idle in transaction and the task outlives its lease only if nobody renews it.
 */
public final class BusyFirstTaskJob implements Job<byte[]> {
  private final AggJob delegate = new AggJob();
  private long busyMs;

  @Override
  public void open(JobSetup setup) throws Exception {
    busyMs = Long.parseLong(setup.param("busy.ms", "10000"));
    delegate.open(setup);
  }

  @Override
  public void process(List<Record<byte[]>> records, TaskContext context) throws Exception {
    if (context.range().from() == 0) {
      long until = System.nanoTime() + busyMs * 1_000_000;
      try (Statement st = context.connection().createStatement()) {
        while (System.nanoTime() < until) {
          st.execute("SELECT pg_sleep(0.1)");
        }
      }
    }
    delegate.process(records, context);
  }
}
