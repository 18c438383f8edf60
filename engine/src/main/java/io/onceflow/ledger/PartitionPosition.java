package io.onceflow.ledger;

/**
 * Where a partition stands in the ledger.
 *
 * @param committedUntil the next offset to process: everything before it is committed
 * @param plannedUntil the next offset to plan: the end of the newest planned task, or {@code
 *     committedUntil} when nothing is planned ahead
 */
public record PartitionPosition(PartitionId partition, long committedUntil, long plannedUntil) {}
