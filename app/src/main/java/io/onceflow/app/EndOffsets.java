package io.onceflow.app;

import io.onceflow.api.OnceflowException;
import io.onceflow.config.OnceflowConfig;
import io.onceflow.kafka.KafkaPartitions;
import io.onceflow.ledger.PartitionId;
import io.onceflow.ledger.PartitionPosition;
import io.onceflow.ledger.PlanStore;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;

/**
 * The admin commands' view of Kafka: the last stable offsets of the partitions a job's ledger
 * knows, for its lag. Kafka being away is not an error here: the lag shows as unknown and a note
 * says why.
 */
final class EndOffsets {
  private EndOffsets() {}

  static Map<PartitionId, Long> read(OnceflowConfig config, DataSource ledger, PrintWriter err) {
    Map<PartitionId, PartitionPosition> positions = new PlanStore(ledger).positions(config.jobName());
    Map<PartitionId, Long> ends = new HashMap<>();
    if (positions.isEmpty()) {
      return ends;
    }
    List<TopicPartition> tps =
        positions.keySet().stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    try (KafkaPartitions kafka = new KafkaPartitions(config.kafkaConsumerProperties())) {
      kafka.endOffsets(tps).forEach((tp, end) -> ends.put(new PartitionId(tp.topic(), tp.partition()), end));
    } catch (OnceflowException e) {
      err.println("onceflow: lag unknown: " + e.getMessage());
      err.flush();
    }
    return ends;
  }
}
