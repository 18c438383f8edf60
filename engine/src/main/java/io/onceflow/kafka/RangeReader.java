package io.onceflow.kafka;

import io.onceflow.api.OffsetRange;
import io.onceflow.api.OnceflowException;
import io.onceflow.api.RetriableException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads exactly the records of one offset range, {@code [from, until)}, with {@code
 * read_committed}.
 *
 * <p>Offsets inside a range may have no record (transaction markers, aborted transactions,
 * compaction): the read ends when the consumer's position reaches {@code until}, not after
 * {@code until - from} records. Records at or past {@code until} are dropped.
 *
 * <p><b>Threading:</b> confined to the worker thread that created it, as is its consumer, which
 * it reuses for every task of that thread; when a task continues where the thread's previous
 * task of the same partition ended, no seek is needed.
 */
public final class RangeReader implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(200);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Duration stallTimeout;
  private final Clock clock;
  private TopicPartition assigned;

  public RangeReader(Properties consumerProperties, String clientId, Duration stallTimeout, Clock clock) {
    this.consumer =
        new KafkaConsumer<>(
            ReaderProperties.forWorker(consumerProperties, clientId),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    this.stallTimeout = stallTimeout;
    this.clock = clock;
  }

  public List<ConsumerRecord<byte[], byte[]>> read(OffsetRange range) {
    TopicPartition tp = new TopicPartition(range.topic(), range.partition());
    try {
      positionAt(tp, range.from());
      List<ConsumerRecord<byte[], byte[]>> records =
          new ArrayList<>((int) Math.min(range.count(), 65_536));
      long lastProgress = clock.millis();
      long position = range.from();
      while (position < range.until()) {
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
        for (ConsumerRecord<byte[], byte[]> record : polled.records(tp)) {
          if (record.offset() >= range.from() && record.offset() < range.until()) {
            records.add(record);
          }
        }
        long newPosition = consumer.position(tp);
        if (newPosition > position) {
          position = newPosition;
          lastProgress = clock.millis();
        } else if (clock.millis() - lastProgress > stallTimeout.toMillis()) {
          throw new RetriableException(
              "No progress reading " + range + " for " + stallTimeout.toSeconds()
                  + " s: stuck at offset " + position + " (is the broker up?)",
              null);
        }
      }
      return records;
    } catch (OffsetOutOfRangeException e) {
      forgetPosition();
      throw new OnceflowException(
          "Offsets of " + range + " are no longer in Kafka (deleted by retention?): "
              + e.getMessage()
              + ". The range cannot be processed; reset the job's offsets or enable skipping.",
          e);
    } catch (org.apache.kafka.common.errors.RetriableException e) {
      forgetPosition();
      throw new RetriableException("Could not read " + range + ": " + e.getMessage(), e);
    } catch (KafkaException e) {
      forgetPosition();
      throw new OnceflowException("Could not read " + range + ": " + e.getMessage(), e);
    }
  }

  private void positionAt(TopicPartition tp, long from) {
    if (!tp.equals(assigned)) {
      consumer.assign(List.of(tp));
      assigned = tp;
      consumer.seek(tp, from);
    } else if (consumer.position(tp) != from) {
      consumer.seek(tp, from);
    }
  }

  private void forgetPosition() {
    assigned = null;
    consumer.unsubscribe();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
