package io.onceflow.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * WORKLOAD.md's Kafka read limit: one plain consumer, {@code assign()} of every partition, from the
 * beginning to the end offsets read at the start, records discarded. Fetch sizes are the ones the
 * engine's workers use, so the limit is the one the engine could reach with one thread.
 */
final class RawKafkaRead {
  private RawKafkaRead() {}

  static Properties consumerProperties(String bootstrap, String clientId) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("client.id", clientId);
    p.put("enable.auto.commit", "false");
    p.put("isolation.level", "read_committed");
    p.put("auto.offset.reset", "none");
    p.put("max.poll.records", "10000");
    p.put("fetch.max.bytes", String.valueOf(64 << 20));
    p.put("max.partition.fetch.bytes", String.valueOf(16 << 20));
    p.put("receive.buffer.bytes", String.valueOf(1 << 20));
    return p;
  }

  static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    List<TopicPartition> tps = new ArrayList<>();
    for (PartitionInfo info : consumer.partitionsFor(topic)) {
      tps.add(new TopicPartition(topic, info.partition()));
    }
    return tps;
  }

  /** Reads the whole topic once; returns the records read and the seconds it took. */
  static Measurement run(String bootstrap, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            consumerProperties(bootstrap, "bench-raw-read"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> tps = partitions(consumer, topic);
      Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(tps));
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long start = System.nanoTime();
      long records = 0;
      long bytes = 0;
      List<TopicPartition> open = new ArrayList<>(tps);
      while (!open.isEmpty()) {
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(500));
        records += polled.count();
        // a touch per record so the JIT cannot skip the records entirely
        for (var r : polled) {
          bytes += r.serializedValueSize();
        }
        open.removeIf(tp -> consumer.position(tp) >= ends.get(tp));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Measurement(records, seconds, bytes);
    }
  }

  record Measurement(long records, double seconds, long bytes) {
    double rate() {
      return records / seconds;
    }
  }
}
