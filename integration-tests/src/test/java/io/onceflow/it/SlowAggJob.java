package io.onceflow.it;

import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import io.onceflow.examples.AggJob;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The AGG job, made slow two ways:
 *
 * <ul>
 *   <li>{@code job.param.pause.before.ms}: every task first waits this long, so the driver plans
 *       ahead of the workers on any machine, however loaded (batches really in flight together);
 *   <li>{@code job.param.busy.first.task.ms}: the task that starts at offset 0 first keeps its
 *       transaction busy this long with short {@code pg_sleep} statements, so its session is never
 *       idle in transaction and it outlives its lease only if nobody renews it;
 *   <li>{@code SLOW_JOB_MS} in the process's environment: the task's totals are written first, then
 *       it sleeps, so a stop in the middle finds a transaction with writes in it, which must roll
 *       back.
 * </ul>
 */
public final class SlowAggJob implements Job<byte[]> {
  private final AggJob delegate = new AggJob();
  private final long sleepMs = Long.parseLong(System.getenv().getOrDefault("SLOW_JOB_MS", "0"));
  private long pauseBeforeMs;
  private long busyFirstTaskMs;

  @Override
  public void open(JobSetup setup) throws Exception {
    pauseBeforeMs = Long.parseLong(setup.param("pause.before.ms", "0"));
    busyFirstTaskMs = Long.parseLong(setup.param("busy.first.task.ms", "0"));
    delegate.open(setup);
  }

  @Override
  public void process(List<Record<byte[]>> records, TaskContext context) throws Exception {
    Thread.sleep(pauseBeforeMs);
    if (busyFirstTaskMs > 0 && context.range().from() == 0) {
      keepBusy(context.connection(), busyFirstTaskMs);
    }
    delegate.process(records, context);
    if (sleepMs > 0) {
      System.out.println("SLOW-JOB-SLEEPING " + context.range());
      System.out.flush();
      Thread.sleep(sleepMs);
    }
  }

  private static void keepBusy(Connection connection, long millis) throws SQLException {
    long until = System.nanoTime() + millis * 1_000_000;
    try (Statement st = connection.createStatement()) {
      while (System.nanoTime() < until) {
        st.execute("SELECT pg_sleep(0.1)");
      }
    }
  }
}
