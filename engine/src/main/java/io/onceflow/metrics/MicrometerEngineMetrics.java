package io.onceflow.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.onceflow.ledger.CompletedBatch;
import io.onceflow.ledger.PartitionId;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * {@link EngineMetrics} on a Micrometer {@link MeterRegistry}: the meters of {@link
 * OnceflowMeter}, each tagged with the job's name.
 *
 * <p>Meters are created once and kept (per partition in a map), so a report is a map lookup and
 * an atomic add. Thread-safe.
 */
public final class MicrometerEngineMetrics implements EngineMetrics {
  private final MeterRegistry registry;
  private final Tags job;
  private final Map<OnceflowMeter, Map<PartitionId, Counter>> partitionCounters =
      new EnumMap<>(OnceflowMeter.class);
  private final Map<PartitionId, AtomicLong> lags = new ConcurrentHashMap<>();
  private final Map<PartitionId, AtomicLong> unstable = new ConcurrentHashMap<>();
  private final AtomicLong halted = new AtomicLong();
  private final Map<RetryReason, Counter> retries = new EnumMap<>(RetryReason.class);
  private final Timer taskProcessing;
  private final Timer taskRead;
  private final Timer taskCommit;
  private final Timer batchProcessing;
  private final Timer batchSchedulingDelay;
  private final Counter batchesPlanned;
  private final AtomicLong workerThreads = new AtomicLong();
  private final AtomicLong liveWorkers = new AtomicLong();
  private final AtomicLong batchCap = new AtomicLong();
  private final AtomicLong outboxPending = new AtomicLong();
  private final Counter outboxRelayed;

  public MicrometerEngineMetrics(MeterRegistry registry, String jobName) {
    this.registry = registry;
    this.job = Tags.of("job", jobName);
    for (OnceflowMeter m :
        new OnceflowMeter[] {OnceflowMeter.INPUT_RECORDS, OnceflowMeter.DEAD_LETTERS, OnceflowMeter.GAPS}) {
      partitionCounters.put(m, new ConcurrentHashMap<>());
    }
    for (RetryReason reason : RetryReason.values()) {
      retries.put(
          reason,
          counter(OnceflowMeter.TASK_RETRIES, job.and("reason", reason.name().toLowerCase())));
    }
    this.taskProcessing = timer(OnceflowMeter.TASK_PROCESSING);
    this.taskRead = timer(OnceflowMeter.TASK_READ);
    this.taskCommit = timer(OnceflowMeter.TASK_COMMIT);
    this.batchProcessing = timer(OnceflowMeter.BATCH_PROCESSING);
    this.batchSchedulingDelay = timer(OnceflowMeter.BATCH_SCHEDULING_DELAY);
    this.batchesPlanned = counter(OnceflowMeter.BATCHES_PLANNED, job);
    gauge(OnceflowMeter.WORKER_THREADS, job, workerThreads);
    gauge(OnceflowMeter.LIVE_WORKERS, job, liveWorkers);
    gauge(OnceflowMeter.BATCH_CAP, job, batchCap);
    gauge(OnceflowMeter.PARTITIONS_HALTED, job, halted);
    gauge(OnceflowMeter.OUTBOX_PENDING, job, outboxPending);
    this.outboxRelayed = counter(OnceflowMeter.OUTBOX_RELAYED, job);
  }

  @Override
  public void outboxRelayed(long records) {
    outboxRelayed.increment(records);
  }

  @Override
  public void outboxPending(long records) {
    outboxPending.set(records);
  }

  @Override
  public void taskCommitted(PartitionId partition, long offsets, long deadLetters) {
    partitionCounter(OnceflowMeter.INPUT_RECORDS, partition).increment(offsets);
    if (deadLetters > 0) {
      partitionCounter(OnceflowMeter.DEAD_LETTERS, partition).increment(deadLetters);
    }
  }

  @Override
  public void taskProcessed(long nanos) {
    taskProcessing.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void taskRead(long nanos) {
    taskRead.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void taskCommitTime(long nanos) {
    taskCommit.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void taskRetried(RetryReason reason) {
    retries.get(reason).increment();
  }

  @Override
  public void gapSkipped(PartitionId partition, long offsets) {
    partitionCounter(OnceflowMeter.GAPS, partition).increment(offsets);
  }

  @Override
  public void tasksInFlight(IntSupplier running) {
    Gauge.builder(OnceflowMeter.IN_FLIGHT_TASKS.meterName(), running, IntSupplier::getAsInt)
        .description(OnceflowMeter.IN_FLIGHT_TASKS.description())
        .baseUnit(OnceflowMeter.IN_FLIGHT_TASKS.baseUnit())
        .tags(job)
        .strongReference(true)
        .register(registry);
  }

  @Override
  public void workerThreads(int threads) {
    workerThreads.set(threads);
  }

  @Override
  public void batchPlanned() {
    batchesPlanned.increment();
  }

  @Override
  public void batchCompleted(CompletedBatch batch) {
    batchProcessing.record(batch.processingMs(), TimeUnit.MILLISECONDS);
    batchSchedulingDelay.record(batch.schedulingDelayMs(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void partitionLag(PartitionId partition, long lag) {
    lags.computeIfAbsent(
            partition,
            p -> gauge(OnceflowMeter.PARTITION_LAG, partitionTags(p), new AtomicLong()))
        .set(lag);
  }

  @Override
  public void partitionUnstable(PartitionId partition, long offsets) {
    unstable.computeIfAbsent(
            partition,
            p -> gauge(OnceflowMeter.PARTITION_UNSTABLE, partitionTags(p), new AtomicLong()))
        .set(offsets);
  }

  @Override
  public void partitionsHalted(Collection<PartitionId> partitions) {
    halted.set(partitions.size());
    for (PartitionId p : partitions) {
      // A halted partition has no lag worth a number: its gauges go until a reset brings it back.
      if (lags.remove(p) != null) {
        removeGauge(OnceflowMeter.PARTITION_LAG, p);
      }
      if (unstable.remove(p) != null) {
        removeGauge(OnceflowMeter.PARTITION_UNSTABLE, p);
      }
    }
  }

  private void removeGauge(OnceflowMeter meter, PartitionId p) {
    Gauge gauge = registry.find(meter.meterName()).tags(partitionTags(p)).gauge();
    if (gauge != null) {
      registry.remove(gauge);
    }
  }

  @Override
  public void liveWorkers(int workers) {
    liveWorkers.set(workers);
  }

  @Override
  public void batchCap(long recordsPerPartition) {
    batchCap.set(recordsPerPartition);
  }

  private Counter partitionCounter(OnceflowMeter meter, PartitionId partition) {
    return partitionCounters
        .get(meter)
        .computeIfAbsent(partition, p -> counter(meter, partitionTags(p)));
  }

  private Tags partitionTags(PartitionId p) {
    return job.and("topic", p.topic()).and("partition", Integer.toString(p.partition()));
  }

  private Counter counter(OnceflowMeter meter, Tags tags) {
    return Counter.builder(meter.meterName())
        .description(meter.description())
        .baseUnit(meter.baseUnit())
        .tags(tags)
        .register(registry);
  }

  private Timer timer(OnceflowMeter meter) {
    return Timer.builder(meter.meterName())
        .description(meter.description())
        .tags(job)
        .register(registry);
  }

  private AtomicLong gauge(OnceflowMeter meter, Tags tags, AtomicLong value) {
    Gauge.builder(meter.meterName(), value, AtomicLong::get)
        .description(meter.description())
        .baseUnit(meter.baseUnit())
        .tags(tags)
        .strongReference(true)
        .register(registry);
    return value;
  }
}
