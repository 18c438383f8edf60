package io.onceflow.admin;

import io.onceflow.api.OnceflowException;
import io.onceflow.kafka.KafkaPartitions;
import io.onceflow.ledger.PartitionId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Turns a {@link ResetTarget} into an offset per partition, asking Kafka where each partition
 * begins and ends. Refuses an explicit offset outside what Kafka holds: below the beginning the
 * records are deleted (the task would fail), above the end nothing exists to read.
 */
public final class ResetTargets {
  private ResetTargets() {}

  public static Map<PartitionId, Long> resolve(
      KafkaPartitions kafka, Collection<PartitionId> partitions, ResetTarget target) {
    List<TopicPartition> tps =
        partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    Map<TopicPartition, Long> begins = kafka.beginningOffsets(tps);
    Map<TopicPartition, Long> ends = kafka.endOffsets(tps);
    Map<PartitionId, Long> result = new TreeMap<>();
    for (TopicPartition tp : tps) {
      long begin = begins.get(tp);
      long end = ends.get(tp);
      long offset;
      if (target instanceof ResetTarget.Earliest) {
        offset = begin;
      } else if (target instanceof ResetTarget.Latest) {
        offset = end;
      } else if (target instanceof ResetTarget.Offset o) {
        offset = checked(tp, o.offset(), begin, end);
      } else {
        long at = ((ResetTarget.Timestamp) target).at().toEpochMilli();
        offset = kafka.offsetsForTime(List.of(tp), at).get(tp);
      }
      result.put(new PartitionId(tp.topic(), tp.partition()), offset);
    }
    return result;
  }

  private static long checked(TopicPartition tp, long offset, long begin, long end) {
    if (offset < begin || offset > end) {
      throw new OnceflowException(
          "Offset " + offset + " is outside what Kafka holds for " + tp + " [" + begin + ", " + end
              + "]: choose an offset in that range, or earliest / latest. Nothing was changed.");
    }
    return offset;
  }
}
