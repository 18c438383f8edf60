package io.onceflow.kafka;

import io.onceflow.api.OffsetRange;
import io.onceflow.api.OnceflowException;
import io.onceflow.api.RetriableException;
import java.nio.ByteBuffer;
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
import org.apache.kafka.common.serialization.ByteBufferDeserializer;

/**
 * Reads exactly the records of one offset range, {@code [from, until)}, with {@code
 * read_committed}.
 *
 * <p>Offsets inside a range may have no record (transaction markers, aborted transactions,
 * compaction): the read ends when the consumer's position reaches {@code until}, not after
 * {@code until - from} records. Records at or past {@code until} are dropped.
 *
 * <p>Each polled record is copied into a {@link RangeRecords} at once (the consumer hands out
 * views of its fetch buffers, not copies), so Kafka's record objects die young. The reader has one
 * {@code RangeRecords} and refills it for every read: what a read returns is valid until the next.
 *
 * <p>Offsets retention deleted before they were read are a different matter: the consumer
 * reports them out of range ({@code auto.offset.reset=none}), and the read either fails with a
 * {@link DeletedOffsetsException} or, when asked to skip, reports them as gaps.
 *
 * <p><b>Threading:</b> confined to the worker thread that created it, as is its consumer, which
 * it reuses for every task of that thread; when a task continues where the thread's previous
 * task of the same partition ended, no seek is needed.
 */
public final class RangeReader implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(200);

  private final KafkaConsumer<ByteBuffer, ByteBuffer> consumer;
  private final Duration stallTimeout;
  private final Clock clock;
  private TopicPartition assigned;
  private RangeRecords buffer;

  public RangeReader(Properties consumerProperties, String clientId, Duration stallTimeout, Clock clock) {
    this.consumer =
        new KafkaConsumer<>(
            ReaderProperties.forWorker(consumerProperties, clientId),
            new ByteBufferDeserializer(),
            new ByteBufferDeserializer());
    this.stallTimeout = stallTimeout;
    this.clock = clock;
  }

  /** What a read found: the records, and the sub-ranges Kafka had deleted (when skipping). */
  public record Read(RangeRecords records, List<OffsetRange> gaps) {}

  /**
   * The records of {@code range}, valid until this reader's next read. Offsets Kafka deleted
   * (retention) fail the read with a {@link DeletedOffsetsException} naming them; with {@code
   * skipDeleted}, they are returned as gaps instead, and reading goes on at the log's new start.
   */
  public Read read(OffsetRange range, boolean skipDeleted) {
    TopicPartition tp = new TopicPartition(range.topic(), range.partition());
    List<OffsetRange> gaps = new ArrayList<>(0);
    try {
      positionAt(tp, range.from());
      RangeRecords records = emptyBuffer(range);
      long lastProgress = clock.millis();
      long position = range.from();
      while (position < range.until()) {
        ConsumerRecords<ByteBuffer, ByteBuffer> polled;
        try {
          polled = consumer.poll(POLL);
        } catch (OffsetOutOfRangeException e) {
          OffsetRange gap = deleted(range, tp, e.offsetOutOfRangePartitions().getOrDefault(tp, position));
          if (!skipDeleted) {
            throw new DeletedOffsetsException(range, gap);
          }
          gaps.add(gap);
          position = gap.until();
          if (position < range.until()) {
            consumer.seek(tp, position);
          }
          lastProgress = clock.millis();
          continue;
        }
        for (ConsumerRecord<ByteBuffer, ByteBuffer> record : polled.records(tp)) {
          if (record.offset() >= range.from() && record.offset() < range.until()) {
            records.add(record.offset(), record.timestamp(), record.key(), record.value(), record.headers());
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
      if (!gaps.isEmpty()) {
        forgetPosition(); // the consumer's position jumped; start the next task with a seek
      }
      return new Read(records, gaps);
    } catch (DeletedOffsetsException e) {
      forgetPosition();
      throw e;
    } catch (org.apache.kafka.common.errors.RetriableException e) {
      forgetPosition();
      throw new RetriableException("Could not read " + range + ": " + e.getMessage(), e);
    } catch (KafkaException e) {
      forgetPosition();
      throw new OnceflowException("Could not read " + range + ": " + e.getMessage(), e);
    }
  }

  /**
   * The deleted part of {@code range} that starts at {@code position}: up to the log's new start,
   * at most the range's end. A log that starts at or before the position was not shortened by
   * retention (it was truncated or recreated): that is no gap to skip, but an error.
   */
  private OffsetRange deleted(OffsetRange range, TopicPartition tp, long position) {
    long logStart = consumer.beginningOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
    if (logStart <= position) {
      throw new OnceflowException(
          "Kafka says offset " + position + " of " + tp + " is out of range, yet the log starts at "
              + logStart + ": the topic was truncated or recreated, not shortened by retention."
              + " The planned range " + range + " cannot be read; reset the job's offsets.");
    }
    return new OffsetRange(range.topic(), range.partition(), position, Math.min(logStart, range.until()));
  }

  private RangeRecords emptyBuffer(OffsetRange range) {
    if (buffer == null) {
      buffer = new RangeRecords(range.topic(), range.partition(), (int) Math.min(range.count(), 1 << 20));
    } else {
      buffer.reset(range.topic(), range.partition());
    }
    return buffer;
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
