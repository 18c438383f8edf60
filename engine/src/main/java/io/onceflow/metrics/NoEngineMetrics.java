package io.onceflow.metrics;

import io.onceflow.ledger.CompletedBatch;
import io.onceflow.ledger.PartitionId;
import java.util.function.IntSupplier;

/** {@link EngineMetrics#none()}. */
enum NoEngineMetrics implements EngineMetrics {
  INSTANCE;

  @Override
  public void taskCommitted(PartitionId partition, long offsets, long deadLetters) {}

  @Override
  public void taskProcessed(long nanos) {}

  @Override
  public void taskRead(long nanos) {}

  @Override
  public void taskCommitTime(long nanos) {}

  @Override
  public void taskRetried(RetryReason reason) {}

  @Override
  public void gapSkipped(PartitionId partition, long offsets) {}

  @Override
  public void tasksInFlight(IntSupplier running) {}

  @Override
  public void workerThreads(int threads) {}

  @Override
  public void batchPlanned() {}

  @Override
  public void batchCompleted(CompletedBatch batch) {}

  @Override
  public void partitionLag(PartitionId partition, long lag) {}

  @Override
  public void partitionUnstable(PartitionId partition, long offsets) {}

  @Override
  public void partitionsHalted(java.util.Collection<PartitionId> partitions) {}

  @Override
  public void liveWorkers(int workers) {}

  @Override
  public void batchCap(long recordsPerPartition) {}

  @Override
  public void outboxRelayed(long records) {}

  @Override
  public void outboxPending(long records) {}
}
