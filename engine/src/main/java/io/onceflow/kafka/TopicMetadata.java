package io.onceflow.kafka;

import io.onceflow.api.OnceflowException;
import io.onceflow.api.RetriableException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * What the consumer API does not tell: a topic's ID (KIP-516), which changes when a topic is
 * deleted and created again under the same name, and a partition's high watermark beside its
 * last stable offset (a hanging Kafka transaction freezes the latter).
 *
 * <p>Thread-safe (Kafka's {@link Admin} is): one per process part is enough.
 */
public final class TopicMetadata implements AutoCloseable {
  private static final long TIMEOUT_MS = 30_000;

  private final Admin admin;
  private final String bootstrapServers;

  public TopicMetadata(Properties adminProperties) {
    this.bootstrapServers = adminProperties.getProperty("bootstrap.servers");
    Properties p = new Properties();
    p.putAll(adminProperties);
    p.putIfAbsent("default.api.timeout.ms", String.valueOf(TIMEOUT_MS));
    this.admin = Admin.create(p);
  }

  /**
   * The current ID of each topic Kafka knows; a topic Kafka says does not exist is absent from
   * the result (only that answer: any other error fails the call).
   */
  public Map<String, String> ids(Collection<String> topics) {
    Map<String, String> ids = new HashMap<>();
    if (topics.isEmpty()) {
      return ids;
    }
    Map<String, ? extends Future<TopicDescription>> found =
        call("describe topics " + topics, () -> admin.describeTopics(topics).topicNameValues());
    for (Map.Entry<String, ? extends Future<TopicDescription>> topic : found.entrySet()) {
      TopicDescription description = await("describe topic " + topic.getKey(), topic.getValue());
      if (description != null) {
        ids.put(topic.getKey(), description.topicId().toString());
      }
    }
    return ids;
  }

  /** The high watermark of each partition Kafka knows (read_uncommitted end offsets). */
  public Map<TopicPartition, Long> highWatermarks(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
    partitions.forEach(p -> query.put(p, OffsetSpec.latest()));
    Map<TopicPartition, Long> result = new HashMap<>();
    if (query.isEmpty()) {
      return result;
    }
    ListOffsetsResult listed =
        call("read high watermarks",
            () -> admin.listOffsets(query, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)));
    for (TopicPartition p : partitions) {
      ListOffsetsResult.ListOffsetsResultInfo info = await("read the high watermark of " + p, listed.partitionResult(p));
      if (info != null) {
        result.put(p, info.offset());
      }
    }
    return result;
  }

  /** The future's value; null when Kafka says the topic or partition does not exist. */
  private <T> T await(String what, Future<T> future) {
    try {
      return future.get(TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return null;
      }
      throw failure(what, e.getCause() == null ? e : e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new RetriableException("Kafka at " + bootstrapServers + " did not answer in time to " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException("Interrupted while waiting to " + what, e);
    }
  }

  private <T> T call(String what, java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (KafkaException e) {
      throw failure(what, e);
    }
  }

  private RuntimeException failure(String what, Throwable e) {
    String message = "Could not " + what + " at " + bootstrapServers + ": " + e.getMessage();
    if (e instanceof org.apache.kafka.common.errors.RetriableException
        || e instanceof org.apache.kafka.common.errors.TimeoutException) {
      return new RetriableException(message, e);
    }
    return new OnceflowException(message, e);
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(5));
  }
}
