package io.onceflow.it;

import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import io.onceflow.examples.AggJob;
import java.util.List;

/**
 * The AGG job, taking 200 ms longer per task: slow enough that the driver plans ahead of the
 * workers on any machine, however loaded, so batches are really in flight together.
 */
public final class PacedAggJob implements Job<byte[]> {
  private final AggJob agg = new AggJob();

  @Override
  public void open(JobSetup setup) throws Exception {
    agg.open(setup);
  }

  @Override
  public void process(List<Record<byte[]>> records, TaskContext context) throws Exception {
    Thread.sleep(200);
    agg.process(records, context);
  }

  @Override
  public void close() throws Exception {
    agg.close();
  }
}
