package io.onceflow.kafka;

import io.onceflow.api.OnceflowException;
import io.onceflow.api.RetriableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The driver's view of Kafka: which partitions exist and where they end.
 *
 * <p>End offsets come from a {@code read_committed} consumer, so they are last stable offsets: a
 * planned range never reaches into an open Kafka transaction, and replaying it later reads the
 * same records (I3).
 *
 * <p>Not thread-safe: confined to the driver thread, like the consumer inside it.
 */
public final class KafkaPartitions implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String bootstrapServers;

  public KafkaPartitions(Properties consumerProperties) {
    this.bootstrapServers = consumerProperties.getProperty("bootstrap.servers");
    this.consumer =
        new KafkaConsumer<>(
            ReaderProperties.forDriver(consumerProperties),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
  }

  /** The partitions of the listed topics, or of every topic matching the pattern. */
  public Discovery discover(List<String> topics, Optional<Pattern> pattern) {
    Map<String, List<PartitionInfo>> all = call("list topics", () -> consumer.listTopics(TIMEOUT));
    List<TopicPartition> partitions = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    if (pattern.isPresent()) {
      all.forEach(
          (topic, infos) -> {
            if (pattern.get().matcher(topic).matches() && !topic.startsWith("__")) {
              infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
          });
    } else {
      for (String topic : topics) {
        List<PartitionInfo> infos = all.get(topic);
        if (infos == null || infos.isEmpty()) {
          missing.add(topic);
        } else {
          infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
      }
    }
    return new Discovery(partitions, missing);
  }

  /** Partitions found, and listed topics that do not exist (yet). */
  public record Discovery(List<TopicPartition> partitions, List<String> missingTopics) {}

  public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
    return call("read end offsets", () -> consumer.endOffsets(partitions, TIMEOUT));
  }

  public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
    return call("read beginning offsets", () -> consumer.beginningOffsets(partitions, TIMEOUT));
  }

  /**
   * The first offset with a timestamp at or after {@code timestampMs}; the end offset where no
   * record is that recent.
   */
  public Map<TopicPartition, Long> offsetsForTime(
      Collection<TopicPartition> partitions, long timestampMs) {
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(p -> query.put(p, timestampMs));
    Map<TopicPartition, OffsetAndTimestamp> found =
        call("look up offsets by timestamp", () -> consumer.offsetsForTimes(query, TIMEOUT));
    Map<TopicPartition, Long> ends = endOffsets(partitions);
    Map<TopicPartition, Long> result = new HashMap<>();
    for (TopicPartition p : partitions) {
      OffsetAndTimestamp hit = found.get(p);
      result.put(p, hit == null ? ends.get(p) : hit.offset());
    }
    return result;
  }

  private <T> T call(String what, java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new RetriableException(
          "Kafka at " + bootstrapServers + " did not answer in time to " + what + ": " + e.getMessage(),
          e);
    } catch (org.apache.kafka.common.errors.RetriableException e) {
      throw new RetriableException("Could not " + what + " at " + bootstrapServers + ": " + e.getMessage(), e);
    } catch (KafkaException e) {
      throw new OnceflowException("Could not " + what + " at " + bootstrapServers + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
