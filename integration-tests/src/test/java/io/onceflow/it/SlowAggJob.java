package io.onceflow.it;

import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import io.onceflow.examples.AggJob;
import java.util.List;

/**
 * The AGG job, made slow two ways:
 *
 * <ul>
 *   <li>{@code job.param.pause.before.ms}: every task first waits this long, so the driver plans
 *       ahead of the workers on any machine, however loaded (batches really in flight together);
 *   <li>{@code SLOW_JOB_MS} in the process's environment: the task's totals are written first, then
 *       it sleeps, so a stop in the middle finds a transaction with writes in it, which must roll
 *       back.
 * </ul>
 */
public final class SlowAggJob implements Job<byte[]> {
  private final AggJob delegate = new AggJob();
  private final long sleepMs = Long.parseLong(System.getenv().getOrDefault("SLOW_JOB_MS", "0"));
  private long pauseBeforeMs;

  @Override
  public void open(JobSetup setup) throws Exception {
    pauseBeforeMs = Long.parseLong(setup.param("pause.before.ms", "0"));
    delegate.open(setup);
  }

  @Override
  public void process(List<Record<byte[]>> records, TaskContext context) throws Exception {
    Thread.sleep(pauseBeforeMs);
    delegate.process(records, context);
    if (sleepMs > 0) {
      System.out.println("SLOW-JOB-SLEEPING " + context.range());
      System.out.flush();
      Thread.sleep(sleepMs);
    }
  }
}
