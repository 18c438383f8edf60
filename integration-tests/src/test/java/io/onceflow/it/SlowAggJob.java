package io.onceflow.it;

import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import io.onceflow.examples.AggJob;
import java.util.List;

/**
 * The AGG job, made slow in the processes whose environment has {@code SLOW_JOB_MS}: it writes
 * the task's totals first, then sleeps, so a stop in the middle finds a transaction with writes in
 * it, which must roll back.
 */
public final class SlowAggJob implements Job<byte[]> {
  private final AggJob delegate = new AggJob();
  private final long sleepMs = Long.parseLong(System.getenv().getOrDefault("SLOW_JOB_MS", "0"));

  @Override
  public void open(JobSetup setup) throws Exception {
    delegate.open(setup);
  }

  @Override
  public void process(List<Record<byte[]>> records, TaskContext context) throws Exception {
    delegate.process(records, context);
    if (sleepMs > 0) {
      System.out.println("SLOW-JOB-SLEEPING " + context.range());
      System.out.flush();
      Thread.sleep(sleepMs);
    }
  }
}
