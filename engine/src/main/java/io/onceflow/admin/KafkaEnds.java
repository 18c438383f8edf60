package io.onceflow.admin;

import io.onceflow.ledger.PartitionId;
import java.util.Map;

/**
 * Where Kafka's partitions end, as far as known: the last stable offset (what the driver plans up
 * to) and the high watermark (which includes records of open transactions). A partition missing
 * from a map has no known value.
 */
public record KafkaEnds(Map<PartitionId, Long> lastStable, Map<PartitionId, Long> highWatermarks) {
  public static final KafkaEnds UNKNOWN = new KafkaEnds(Map.of(), Map.of());

  public KafkaEnds {
    lastStable = Map.copyOf(lastStable);
    highWatermarks = Map.copyOf(highWatermarks);
  }
}
