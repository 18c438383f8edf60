package io.onceflow.plan;

import io.onceflow.api.OffsetRange;
import io.onceflow.ledger.PartitionId;
import io.onceflow.ledger.PartitionPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pure planning logic: for each partition, the next range is {@code [plannedUntil, min(end,
 * plannedUntil + cap))}. Never an empty range; never a range before what is already planned.
 *
 * <p>A partition with {@code maxTasksInFlight} tasks planned and not committed gets no new range
 * until one commits; the other partitions are planned all the same, so a slow or stuck partition
 * holds up only itself (a bound per batch let one partition's slowest task stop every plan). A
 * halted partition gets none.
 */
public final class Planner {
  private final long maxRecordsPerPartition;
  private final int maxTasksInFlight;

  public Planner(long maxRecordsPerPartition) {
    this(maxRecordsPerPartition, Integer.MAX_VALUE);
  }

  public Planner(long maxRecordsPerPartition, int maxTasksInFlight) {
    if (maxRecordsPerPartition <= 0 || maxTasksInFlight <= 0) {
      throw new IllegalArgumentException("maxRecordsPerPartition and maxTasksInFlight must be > 0");
    }
    this.maxRecordsPerPartition = maxRecordsPerPartition;
    this.maxTasksInFlight = maxTasksInFlight;
  }

  /** Whether {@code position} may get a new range now (not halted, a slot free). */
  public boolean hasRoom(PartitionPosition position) {
    return !position.halted() && position.plannedTasks() < maxTasksInFlight;
  }

  /**
   * @param positions where each known partition stands in the ledger (ordered)
   * @param endOffsets the last stable offset of each partition, read from Kafka
   */
  public List<OffsetRange> plan(
      Map<PartitionId, PartitionPosition> positions, Map<PartitionId, Long> endOffsets) {
    return plan(positions, endOffsets, maxRecordsPerPartition);
  }

  /**
   * As {@link #plan(Map, Map)} with a lower cap for this batch (a rate limit or backpressure);
   * never above the configured maximum.
   */
  public List<OffsetRange> plan(
      Map<PartitionId, PartitionPosition> positions, Map<PartitionId, Long> endOffsets, long cap) {
    if (cap <= 0) {
      throw new IllegalArgumentException("cap must be > 0, was " + cap);
    }
    long perPartition = Math.min(cap, maxRecordsPerPartition);
    List<OffsetRange> ranges = new ArrayList<>();
    for (PartitionPosition position : positions.values()) {
      if (!hasRoom(position)) {
        continue;
      }
      Long end = endOffsets.get(position.partition());
      if (end == null || end <= position.plannedUntil()) {
        continue; // unknown end, nothing new, or the log shrank (handled by the offsets policy)
      }
      long from = position.plannedUntil();
      long until = Math.min(end, from + perPartition);
      ranges.add(new OffsetRange(position.partition().topic(), position.partition().partition(), from, until));
    }
    return ranges;
  }
}
