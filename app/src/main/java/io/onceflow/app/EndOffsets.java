package io.onceflow.app;

import io.onceflow.api.OnceflowException;
import io.onceflow.config.OnceflowConfig;
import io.onceflow.admin.KafkaEnds;
import io.onceflow.kafka.KafkaPartitions;
import io.onceflow.kafka.TopicMetadata;
import io.onceflow.ledger.PartitionId;
import io.onceflow.ledger.PartitionPosition;
import io.onceflow.ledger.PlanStore;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;

/**
 * The admin commands' view of Kafka: the last stable offsets and high watermarks of the
 * partitions a job's ledger knows, for its lag. Kafka being away is not an error here: the lag
 * shows as unknown and a note says why. Halted partitions and topics Kafka does not know are not
 * asked for (a consumer would wait its whole timeout for them).
 */
final class EndOffsets {
  private EndOffsets() {}

  static KafkaEnds read(OnceflowConfig config, DataSource ledger, PrintWriter err) {
    Map<PartitionId, PartitionPosition> positions = new PlanStore(ledger).positions(config.jobName());
    if (positions.isEmpty()) {
      return KafkaEnds.UNKNOWN;
    }
    Map<PartitionId, Long> ends = new HashMap<>();
    Map<PartitionId, Long> marks = new HashMap<>();
    try (TopicMetadata topics = new TopicMetadata(config.kafkaAdminProperties())) {
      Set<String> existing =
          topics.ids(positions.keySet().stream().map(PartitionId::topic).collect(Collectors.toSet())).keySet();
      List<TopicPartition> tps =
          positions.values().stream()
              .filter(p -> !p.halted() && existing.contains(p.partition().topic()))
              .map(p -> new TopicPartition(p.partition().topic(), p.partition().partition()))
              .toList();
      try (KafkaPartitions kafka = new KafkaPartitions(config.kafkaConsumerProperties())) {
        kafka.endOffsets(tps).forEach((tp, end) -> ends.put(id(tp), end));
      }
      topics.highWatermarks(tps).forEach((tp, mark) -> marks.put(id(tp), mark));
    } catch (OnceflowException e) {
      err.println("onceflow: lag unknown: " + e.getMessage());
      err.flush();
    }
    return new KafkaEnds(ends, marks);
  }

  private static PartitionId id(TopicPartition tp) {
    return new PartitionId(tp.topic(), tp.partition());
  }
}
