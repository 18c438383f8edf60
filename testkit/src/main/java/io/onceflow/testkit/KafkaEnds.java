package io.onceflow.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** The last stable offsets of topics, as the engine's planner sees them. */
final class KafkaEnds {
  private KafkaEnds() {}

  static long sum(TestKafka kafka, List<String> topics) {
    try {
      Map<String, TopicDescription> described =
          kafka.adminClient().describeTopics(topics).allTopicNames().get();
      List<TopicPartition> partitions = new ArrayList<>();
      described.forEach(
          (topic, d) -> d.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
      Map<TopicPartition, OffsetSpec> query = new java.util.HashMap<>();
      partitions.forEach(tp -> query.put(tp, OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          kafka.adminClient()
              .listOffsets(query, new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
              .all()
              .get();
      return ends.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Cannot read end offsets of " + topics + ": " + e.getCause(), e);
    }
  }
}
