package io.onceflow.testkit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes test records to a topic: plain, malformed (any bytes you like), and inside Kafka
 * transactions that commit or abort. Sends are synchronous, so after a call the records are in
 * the log.
 */
public final class TestProducer implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> plain;
  private final String bootstrapServers;
  private final String topic;

  private TestProducer(String bootstrapServers, String topic) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    Properties p = base(bootstrapServers);
    p.put("enable.idempotence", "true");
    this.plain = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  public static TestProducer to(TestKafka kafka, String topic) {
    return new TestProducer(kafka.bootstrapServers(), topic);
  }

  /** Sends a UTF-8 value with a UTF-8 key (null for none) to the default partitioner. */
  public TestProducer send(String key, String value) {
    return sendBytes(utf8(key), utf8(value), null);
  }

  /** Sends raw bytes (for instance a malformed value) to a chosen partition (null: partitioner). */
  public TestProducer sendBytes(byte[] key, byte[] value, Integer partition) {
    try {
      plain.send(new ProducerRecord<>(topic, partition, key, value)).get();
      return this;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while sending to " + topic, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Could not send to " + topic + ": " + e.getCause(), e.getCause());
    }
  }

  /** Sends UTF-8 values to one partition in one Kafka transaction, then aborts it. */
  public TestProducer sendAborted(int partition, List<String> values) {
    return inTransaction(partition, values, false);
  }

  /** Sends UTF-8 values to one partition in one Kafka transaction and commits it. */
  public TestProducer sendCommitted(int partition, List<String> values) {
    return inTransaction(partition, values, true);
  }

  private TestProducer inTransaction(int partition, List<String> values, boolean commit) {
    Properties p = base(bootstrapServers);
    p.put("transactional.id", "onceflow-testkit-" + UUID.randomUUID());
    try (KafkaProducer<byte[], byte[]> tx =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      tx.initTransactions();
      tx.beginTransaction();
      for (String value : values) {
        tx.send(new ProducerRecord<>(topic, partition, null, utf8(value)));
      }
      if (commit) {
        tx.commitTransaction();
      } else {
        tx.flush();
        tx.abortTransaction();
      }
    }
    return this;
  }

  private static Properties base(String bootstrapServers) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers);
    p.put("acks", "all");
    return p;
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    plain.close();
  }
}
