package io.onceflow.ledger;

/**
 * Where a partition stands in the ledger.
 *
 * @param committedUntil the next offset to process: everything before it is committed
 * @param plannedUntil the next offset to plan: the end of the newest planned task, or {@code
 *     committedUntil} when nothing is planned ahead
 * @param plannedTasks tasks planned and not committed yet (what {@code batch.max.in.flight}
 *     bounds)
 * @param topicId the topic ID recorded when the partition was first planned; null when not
 *     recorded yet (a partition from before ledger version 5)
 * @param haltedReason why the partition is halted, or null when it is not
 */
public record PartitionPosition(
    PartitionId partition,
    long committedUntil,
    long plannedUntil,
    int plannedTasks,
    String topicId,
    String haltedReason) {

  /** A partition with nothing of its own recorded but its offsets (tests, pure planning). */
  public PartitionPosition(PartitionId partition, long committedUntil, long plannedUntil) {
    this(partition, committedUntil, plannedUntil, committedUntil == plannedUntil ? 0 : 1, null, null);
  }

  public boolean halted() {
    return haltedReason != null;
  }
}
