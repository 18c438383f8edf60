package io.onceflow.it;

import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A job whose cost grows with its batch: it sleeps {@code job.param.micros.per.record} per record
 * (default 1000) and writes nothing. For backpressure: a batch of n records takes n times as long.
 */
public final class PacedJob implements Job<byte[]> {
  private long microsPerRecord = 1_000;

  @Override
  public void open(JobSetup setup) {
    microsPerRecord = Long.parseLong(setup.params().getOrDefault("micros.per.record", "1000"));
  }

  @Override
  public void process(List<Record<byte[]>> records, TaskContext context) throws Exception {
    TimeUnit.MICROSECONDS.sleep(microsPerRecord * records.size());
  }
}
