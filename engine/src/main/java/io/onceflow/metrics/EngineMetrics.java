package io.onceflow.metrics;

import io.onceflow.ledger.CompletedBatch;
import io.onceflow.ledger.PartitionId;
import java.util.function.IntSupplier;

/**
 * What the engine reports about itself, in its own words; {@link MicrometerEngineMetrics} turns it
 * into meters ({@link OnceflowMeter}), {@link #none()} drops it.
 *
 * <p>Calls are per task, per batch or per plan, never per record, so an implementation may do a
 * map lookup and an atomic add per call. Implementations are thread-safe: every worker thread and
 * the driver call one shared instance.
 */
public interface EngineMetrics {

  /** Why a task attempt was given back. */
  enum RetryReason {
    JOB_FAILED,
    RETRIABLE
  }

  /** A worker thread committed a task. */
  void taskCommitted(PartitionId partition, long offsets, long deadLetters);

  /** One task attempt, from claim to its end (committed, backed off or failed). */
  void taskProcessed(long nanos);

  /** A task's range was read from Kafka. */
  void taskRead(long nanos);

  /** A task transaction's COMMIT returned. */
  void taskCommitTime(long nanos);

  void taskRetried(RetryReason reason);

  /** Offsets Kafka had deleted were skipped and recorded as a gap (issue 3's policy). */
  void gapSkipped(PartitionId partition, long offsets);

  /** Registers the gauge of tasks running now, read when scraped. */
  void tasksInFlight(IntSupplier running);

  void workerThreads(int threads);

  void batchPlanned();

  /** A batch whose every task committed, with the timings the ledger recorded. */
  void batchCompleted(CompletedBatch batch);

  void partitionLag(PartitionId partition, long lag);

  /** High watermark minus last stable offset of a partition. */
  void partitionUnstable(PartitionId partition, long offsets);

  /** The job's halted partitions now; their lag is not reported while they are. */
  void partitionsHalted(java.util.Collection<PartitionId> partitions);

  void liveWorkers(int workers);

  /** The per-partition cap the planner will apply next. */
  void batchCap(long recordsPerPartition);

  /** The outbox relay published {@code records} in a committed Kafka transaction. */
  void outboxRelayed(long records);

  /** Emitted records committed and not yet published, as the relay sees them now. */
  void outboxPending(long records);

  /** Reports nothing; for tests and embedders without a registry. */
  static EngineMetrics none() {
    return NoEngineMetrics.INSTANCE;
  }
}
