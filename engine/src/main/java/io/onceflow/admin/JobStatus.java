package io.onceflow.admin;

import java.util.List;

/**
 * What the status page, {@code /api/status} and {@code onceflow status} show about one job, read
 * from the ledger in one go. Times are epoch milliseconds of the database clock; durations are
 * milliseconds. Nothing here is secret: no URL, no setting, no record value.
 *
 * @param readAtMs when the ledger was read
 * @param driver the leading driver, if one holds the job's lock
 * @param totals committed offsets, batches planned and dead letters since the job started
 * @param partitions each partition's position and lag
 * @param workers worker processes with a recent heartbeat, and what they run now
 * @param history input rate and batch timings over the last minutes, oldest first
 * @param recentDeadLetters the newest dead letters (no keys or values, only where and why)
 * @param pruned what ledger retention deleted of the job's history, and where it stops
 */
public record JobStatus(
    String job,
    String sources,
    String jobClass,
    long readAtMs,
    DriverInfo driver,
    Totals totals,
    List<PartitionStatus> partitions,
    List<WorkerStatus> workers,
    List<RatePoint> history,
    List<DeadLetterInfo> recentDeadLetters,
    Pruned pruned) {

  /**
   * @param running whether a driver holds the job's advisory lock now
   * @param leader the id of the driver that last took the lead
   */
  public record DriverInfo(boolean running, String leader, long epoch, Long lastPlanMs) {}

  /**
   * @param committedOffsets offsets committed over all partitions
   * @param batches batches planned (the newest batch id)
   */
  public record Totals(long committedOffsets, long batches, long deadLetters) {}

  /**
   * @param committed the next offset to process
   * @param planned the next offset to plan (the end of the newest planned task)
   * @param end the partition's last stable offset, when known (the driver read it)
   * @param highWatermark the partition's high watermark, when known: above {@code end} while
   *     Kafka transactions are open (one that stays open freezes {@code end})
   * @param lag {@code end - committed}, when the end is known and the partition is not halted;
   *     negative when the log ends below the committed offset
   * @param halted why the partition is halted (nothing is planned or committed for it until an
   *     offset reset), or null
   * @param haltedAtMs when it was halted, or null
   */
  public record PartitionStatus(
      String topic,
      int partition,
      long start,
      long committed,
      long planned,
      Long end,
      Long highWatermark,
      Long lag,
      String halted,
      Long haltedAtMs) {}

  /**
   * @param currentTasks the tasks it holds a lease on now, as {@code topic-partition [from,until)
   *     batch n}
   */
  public record WorkerStatus(
      String workerId,
      String host,
      long pid,
      int threads,
      long startedAtMs,
      long heartbeatAgeMs,
      List<String> currentTasks) {}

  /**
   * One time bucket of completed batches.
   *
   * @param atMs the bucket's start
   * @param recordsPerSecond offsets of the batches completed in the bucket, per second
   * @param processingMs mean processing time of those batches
   * @param schedulingDelayMs mean scheduling delay of those batches
   */
  public record RatePoint(
      long atMs, int batches, double recordsPerSecond, double processingMs, double schedulingDelayMs) {}

  public record DeadLetterInfo(
      String topic, int partition, long offset, long batchId, String errorClass, long createdAtMs) {}

  /**
   * What ledger retention ({@code ledger.retention.ms}, {@code onceflow ledger prune}) deleted:
   * every batch up to {@code throughBatch}, with its tasks, and worker rows. Nothing pruned: zeros
   * and nulls.
   *
   * @param throughPlannedAtMs when batch {@code throughBatch} was planned: the kept history is
   *     younger
   * @param lastPrunedAtMs when the last pruning transaction deleted something
   * @param partitions per partition: where its kept history starts
   */
  public record Pruned(
      long throughBatch,
      Long throughPlannedAtMs,
      long batches,
      long tasks,
      long workers,
      Long lastPrunedAtMs,
      List<PrunedPartition> partitions) {}

  /**
   * @param prunedUntil the committed ranges of the partition below this offset are deleted (up to
   *     batch {@code throughBatch}); its kept history starts here
   * @param offsets offsets the deleted tasks covered
   */
  public record PrunedPartition(
      String topic, int partition, long prunedUntil, long throughBatch, long tasks, long offsets, long records) {}
}
