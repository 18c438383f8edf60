package io.onceflow.plan;

import io.onceflow.config.PartitionOffset;
import io.onceflow.config.StartingPosition;
import io.onceflow.kafka.KafkaPartitions;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a partition the ledger has never seen starts. The configured starting position applies
 * to the partitions present at the job's first plan; a partition that appears later starts at
 * its earliest offset, so no record written to it is missed.
 */
final class StartOffsets {
  private StartOffsets() {}

  static Map<TopicPartition, Long> resolve(
      KafkaPartitions kafka,
      Collection<TopicPartition> partitions,
      StartingPosition position,
      boolean firstPlan) {
    if (partitions.isEmpty()) {
      return Map.of();
    }
    if (!firstPlan) {
      return kafka.beginningOffsets(partitions);
    }
    return switch (position.kind()) {
      case EARLIEST -> kafka.beginningOffsets(partitions);
      case LATEST -> kafka.endOffsets(partitions);
      case TIMESTAMP -> kafka.offsetsForTime(partitions, position.timestampMs());
      case OFFSETS -> explicit(kafka, partitions, position);
    };
  }

  private static Map<TopicPartition, Long> explicit(
      KafkaPartitions kafka, Collection<TopicPartition> partitions, StartingPosition position) {
    Map<TopicPartition, Long> result = new HashMap<>(kafka.beginningOffsets(partitions));
    for (PartitionOffset given : position.offsets()) {
      TopicPartition tp = new TopicPartition(given.topic(), given.partition());
      if (result.containsKey(tp)) {
        result.put(tp, given.offset());
      }
    }
    return result;
  }
}
