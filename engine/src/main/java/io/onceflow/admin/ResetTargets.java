package io.onceflow.admin;

import io.onceflow.api.OnceflowException;
import io.onceflow.kafka.KafkaPartitions;
import io.onceflow.kafka.TopicMetadata;
import io.onceflow.ledger.PartitionId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * Turns a {@link ResetTarget} into an offset per partition, asking Kafka where each partition
 * begins and ends. Refuses an explicit offset outside what Kafka holds: below the beginning the
 * records are deleted (the task would fail), above the end nothing exists to read.
 *
 * <p>A partition Kafka no longer knows (its topic deleted) moves to offset 0, where the log of a
 * topic created again under that name begins; only 0 is accepted as an explicit offset for it.
 * Its topic ID is then left unrecorded, and the first plan that sees the topic records it.
 */
public final class ResetTargets {
  private ResetTargets() {}

  /**
   * @param offsets the new offset of each partition
   * @param topicIds the current ID of each topic Kafka knows, to record with the reset
   * @param unknown the partitions Kafka does not know (moved to 0)
   */
  public record Resolved(
      Map<PartitionId, Long> offsets, Map<String, String> topicIds, Set<PartitionId> unknown) {}

  public static Resolved resolve(
      KafkaPartitions kafka, TopicMetadata topics, Collection<PartitionId> partitions, ResetTarget target) {
    Set<String> names = new TreeSet<>();
    partitions.forEach(p -> names.add(p.topic()));
    Map<String, String> ids = topics.ids(names);
    Set<TopicPartition> existing =
        new HashSet<>(kafka.discover(List.copyOf(ids.keySet()), Optional.empty()).partitions());
    Map<PartitionId, Long> result = new TreeMap<>();
    Set<PartitionId> unknown = new TreeSet<>();
    List<TopicPartition> tps = new ArrayList<>();
    for (PartitionId p : partitions) {
      TopicPartition tp = new TopicPartition(p.topic(), p.partition());
      if (existing.contains(tp)) {
        tps.add(tp);
      } else {
        unknown.add(p);
        result.put(p, offsetOfUnknown(p, target));
      }
    }
    Map<TopicPartition, Long> begins = tps.isEmpty() ? Map.of() : kafka.beginningOffsets(tps);
    Map<TopicPartition, Long> ends = tps.isEmpty() ? Map.of() : kafka.endOffsets(tps);
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
    return new Resolved(result, ids, unknown);
  }

  private static long offsetOfUnknown(PartitionId p, ResetTarget target) {
    if (target instanceof ResetTarget.Offset o && o.offset() != 0) {
      throw new OnceflowException(
          "Kafka does not know " + p + " (its topic was deleted): it can only move to offset 0,"
              + " where a topic created again under that name begins. Use --to earliest or"
              + " --to 0. Nothing was changed.");
    }
    return 0;
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
