package io.onceflow.outbox;

import io.onceflow.ledger.PartitionId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the relay has published each stream (source partition) of one job: the highest outbox
 * seq per stream, kept in a compacted Kafka topic and written in the same Kafka transaction as the
 * records it covers. So it moves atomically with what was published, and reading it back with
 * {@code read_committed} after {@code initTransactions()} (which ends every transaction an older
 * producer of the same id left open) gives exactly what Kafka holds.
 *
 * <p>Keys are {@code <job>/<incarnation>/<topic>:<partition>} (a topic name has no {@code :}); the
 * incarnation keeps a re-created job or a fresh ledger from inheriting an older one's progress.
 * Values are the seq in decimal.
 *
 * <p>Not thread-safe: the relay's thread only.
 */
final class RelayProgress {
  private static final Duration POLL = Duration.ofMillis(200);

  private final String topic;
  private final String prefix;
  private final Map<PartitionId, Long> relayed = new HashMap<>();

  private RelayProgress(String topic, String prefix) {
    this.topic = topic;
    this.prefix = prefix;
  }

  /** Reads the committed progress of {@code job}'s incarnation from {@code topic}. */
  static RelayProgress read(
      Properties consumerProperties, String topic, String job, String incarnation, long timeoutMs) {
    RelayProgress progress = new RelayProgress(topic, job + "/" + incarnation + "/");
    TopicPartition tp = new TopicPartition(topic, 0);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties)) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      // read_committed: the end is the last stable offset; after initTransactions nothing of
      // ours is open, so everything this relay's id ever committed is below it.
      long end = consumer.endOffsets(List.of(tp), Duration.ofMillis(timeoutMs)).get(tp);
      long deadline = System.currentTimeMillis() + timeoutMs;
      while (consumer.position(tp, Duration.ofMillis(timeoutMs)) < end) {
        if (System.currentTimeMillis() > deadline) {
          throw new org.apache.kafka.common.errors.TimeoutException(
              "Reading the outbox relay's progress from topic '" + topic + "' took more than "
                  + timeoutMs + " ms (at offset " + consumer.position(tp) + " of " + end + ")");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          progress.apply(r.key(), r.value());
        }
      }
    }
    return progress;
  }

  private void apply(byte[] key, byte[] value) {
    if (key == null || value == null) {
      return;
    }
    String k = new String(key, StandardCharsets.UTF_8);
    if (!k.startsWith(prefix)) {
      return; // another job's, or an older incarnation's
    }
    String stream = k.substring(prefix.length());
    int colon = stream.lastIndexOf(':');
    PartitionId id =
        new PartitionId(stream.substring(0, colon), Integer.parseInt(stream.substring(colon + 1)));
    relayed.merge(id, Long.parseLong(new String(value, StandardCharsets.UTF_8)), Math::max);
  }

  /** The highest seq of {@code stream} published, 0 when none. */
  long of(PartitionId stream) {
    return relayed.getOrDefault(stream, 0L);
  }

  /** The record that says {@code stream} is published through {@code seq}. */
  ProducerRecord<byte[], byte[]> record(PartitionId stream, long seq) {
    byte[] key = (prefix + stream.topic() + ":" + stream.partition()).getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(topic, 0, key, Long.toString(seq).getBytes(StandardCharsets.UTF_8));
  }

  /** After the transaction with {@link #record}s for {@code published} committed. */
  void advance(Map<PartitionId, Long> published) {
    published.forEach((stream, seq) -> relayed.merge(stream, seq, Math::max));
  }
}
