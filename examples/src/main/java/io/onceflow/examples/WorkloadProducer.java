package io.onceflow.examples;

import io.onceflow.api.OnceflowException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the workload's records {@code [from, from + count)} to a topic, in index order, keyed,
 * with the default partitioner: the layout {@link GroundTruth#verifyAppend} assumes.
 *
 * <p>Idempotence is on (hence {@code acks=all}) so that a retried batch can neither duplicate nor
 * reorder records within a partition; without it offsets would not follow the index order. Batches
 * are large and lingering (1 MiB, 50 ms) because loading the backlog fast is the point. The topic
 * should exist with the intended partition count before the first record is sent.
 *
 * <p>{@link #produceAtRate} paces records for latency runs; each record's Kafka timestamp is its
 * send time, the start of the end-to-end latency.
 *
 * <p>Confined to one thread. A send that fails stops production with an exception naming the
 * record; records before it may or may not have been written.
 */
public final class WorkloadProducer implements AutoCloseable {

  /** Records may leave up to this far ahead of schedule rather than sleeping for microseconds. */
  private static final long MAX_AHEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Workload workload;
  private final LongSupplier nanoClock;
  private final Sleeper sleeper;

  /** The first failed send, recorded by the producer's I/O thread. */
  private final AtomicReference<Failure> failure = new AtomicReference<>();

  private LongConsumer progress = produced -> {};
  private long progressEvery = 100_000;

  /** Sleeps for a number of nanoseconds; a seam so tests can drive the pacing clock. */
  @FunctionalInterface
  interface Sleeper {
    void sleepNanos(long nanos) throws InterruptedException;
  }

  /** Producer with the workload's settings, for {@code bootstrapServers}. */
  public static WorkloadProducer connect(String bootstrapServers, String topic, Workload workload) {
    return new WorkloadProducer(
        new KafkaProducer<>(
            config(bootstrapServers), new ByteArraySerializer(), new ByteArraySerializer()),
        topic,
        workload);
  }

  /** Over any producer (a {@code MockProducer} in tests); it is closed by {@link #close()}. */
  public WorkloadProducer(Producer<byte[], byte[]> producer, String topic, Workload workload) {
    this(producer, topic, workload, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
  }

  WorkloadProducer(
      Producer<byte[], byte[]> producer,
      String topic,
      Workload workload,
      LongSupplier nanoClock,
      Sleeper sleeper) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.workload = Objects.requireNonNull(workload, "workload");
    this.nanoClock = nanoClock;
    this.sleeper = sleeper;
  }

  /** The producer settings the workload is defined with. */
  public static Map<String, Object> config(String bootstrapServers) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 50);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20);
    return config;
  }

  /**
   * Calls {@code listener} with the number of records sent so far every {@code every} records, and
   * with the total once all are acknowledged. Runs on the producing thread.
   */
  public WorkloadProducer onProgress(LongConsumer listener, long every) {
    if (every < 1) {
      throw new IllegalArgumentException("progress interval must be >= 1, was " + every);
    }
    this.progress = Objects.requireNonNull(listener, "listener");
    this.progressEvery = every;
    return this;
  }

  /**
   * Sends records {@code [from, from + count)} as fast as the producer takes them; returns count.
   */
  public long produce(long from, long count) {
    checkRange(from, count);
    for (long k = 0; k < count; k++) {
      send(from + k);
      reportProgress(k + 1, count);
    }
    return finish(count);
  }

  /**
   * Sends records {@code [from, from + count)} at {@code recordsPerSecond}, on a fixed schedule
   * from the first send (a late record does not push back the ones after it); returns count.
   */
  public long produceAtRate(long from, long count, double recordsPerSecond)
      throws InterruptedException {
    checkRange(from, count);
    if (!(recordsPerSecond > 0) || Double.isInfinite(recordsPerSecond)) {
      throw new IllegalArgumentException("records per second must be > 0, was " + recordsPerSecond);
    }
    double nanosPerRecord = TimeUnit.SECONDS.toNanos(1) / recordsPerSecond;
    long start = nanoClock.getAsLong();
    for (long k = 0; k < count; k++) {
      long ahead = start + (long) (k * nanosPerRecord) - nanoClock.getAsLong();
      if (ahead > MAX_AHEAD_NANOS) {
        sleeper.sleepNanos(ahead);
      }
      send(from + k);
      reportProgress(k + 1, count);
    }
    return finish(count);
  }

  @Override
  public void close() {
    producer.close();
  }

  private void send(long i) {
    throwIfFailed();
    producer.send(
        new ProducerRecord<>(topic, workload.keyBytes(i), workload.payload(i)),
        (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, new Failure(i, error));
          }
        });
  }

  private void reportProgress(long sent, long count) {
    if (sent % progressEvery == 0 && sent < count) {
      progress.accept(sent);
    }
  }

  private long finish(long count) {
    producer.flush();
    throwIfFailed();
    progress.accept(count);
    return count;
  }

  private void throwIfFailed() {
    Failure first = failure.get();
    if (first != null) {
      throw new OnceflowException(
          "producing the workload to " + topic + " failed at record " + first.index(),
          first.error());
    }
  }

  private record Failure(long index, Exception error) {}

  private static void checkRange(long from, long count) {
    if (from < 0 || count < 0) {
      throw new IllegalArgumentException(
          "from and count must be >= 0, were " + from + " and " + count);
    }
  }
}
