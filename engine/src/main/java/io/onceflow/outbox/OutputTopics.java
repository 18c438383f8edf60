package io.onceflow.outbox;

import io.onceflow.ledger.OutboxStore;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The relay's checks on topics: the progress topic exists (created when missing), and every
 * output topic a batch of rows goes to exists. A producer would otherwise wait {@code
 * max.block.ms} on a missing topic's metadata and fail with a timeout that names nothing.
 *
 * <p>Not thread-safe: the relay's thread only.
 */
final class OutputTopics implements AutoCloseable {
  private final Admin admin;
  private final long timeoutMs;
  private final Set<String> known = new HashSet<>();

  OutputTopics(Properties adminProperties, long timeoutMs) {
    this.admin = Admin.create(adminProperties);
    this.timeoutMs = timeoutMs;
  }

  void ensureProgressTopic(String topic) {
    try {
      int brokers = admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
      short replicas = (short) Math.max(1, Math.min(3, brokers));
      NewTopic progress = new NewTopic(topic, 1, replicas)
          .configs(Map.of("cleanup.policy", "compact", "min.insync.replicas",
              String.valueOf(Math.max(1, replicas - 1))));
      admin.createTopics(List.of(progress)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new KafkaException("Could not create the outbox relay's progress topic '" + topic
            + "': " + e.getCause() + ". Create it (1 partition, cleanup.policy=compact) or name"
            + " another with outbox.progress.topic", e.getCause());
      }
    } catch (TimeoutException e) {
      throw new org.apache.kafka.common.errors.TimeoutException(
          "Kafka did not answer within " + timeoutMs + " ms while the outbox relay checked its"
              + " progress topic '" + topic + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted", e);
    }
  }

  /** @throws KafkaException naming the first missing topic and a row that goes there */
  void requireExist(List<OutboxStore.Row> rows) {
    Set<String> unknown = new TreeSet<>();
    for (OutboxStore.Row r : rows) {
      if (!known.contains(r.topic())) {
        unknown.add(r.topic());
      }
    }
    if (unknown.isEmpty()) {
      return;
    }
    try {
      admin.describeTopics(unknown).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
      known.addAll(unknown);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        for (String topic : unknown) {
          if (!exists(topic)) {
            OutboxStore.Row row = rows.stream().filter(r -> r.topic().equals(topic)).findFirst().get();
            throw new KafkaException("Output topic '" + topic + "' does not exist (" + row.describe()
                + "). Create the topic; the relay does not create output topics. Nothing is lost:"
                + " the record stays in the outbox and the relay tries again.");
          }
        }
      }
      throw new KafkaException("Could not check the output topics " + unknown + ": " + e.getCause(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new org.apache.kafka.common.errors.TimeoutException(
          "Kafka did not answer within " + timeoutMs + " ms about output topics " + unknown, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted", e);
    }
  }

  private boolean exists(String topic) {
    try {
      admin.describeTopics(List.of(topic)).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
      known.add(topic);
      return true;
    } catch (ExecutionException e) {
      return !(e.getCause() instanceof UnknownTopicOrPartitionException);
    } catch (TimeoutException | InterruptedException e) {
      return true; // not known to be missing: the caller reports the first error
    }
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(5));
  }
}
