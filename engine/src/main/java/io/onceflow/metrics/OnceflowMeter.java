package io.onceflow.metrics;

import java.util.List;

/**
 * Every meter the engine publishes, declared once: name, kind, base unit, description and tag
 * names. {@code docs/operations.md} lists them (a test keeps the two in step).
 *
 * <p>Tags are small and fixed: {@code job} on every meter, {@code topic} and {@code partition}
 * where the value belongs to one partition, {@code reason} with a fixed set of values. No meter is
 * ever tagged or updated per record.
 */
public enum OnceflowMeter {
  INPUT_RECORDS(
      "onceflow.input.records", Kind.COUNTER, "records",
      "Offsets consumed by committed tasks (records applied plus dead letters).",
      Tags.PARTITION),
  DEAD_LETTERS(
      "onceflow.dead.letters", Kind.COUNTER, null,
      "Records stored as dead letters by committed tasks.",
      Tags.PARTITION),
  GAPS(
      "onceflow.gap.offsets", Kind.COUNTER, "offsets",
      "Offsets Kafka had deleted before they were processed, skipped and recorded as gaps.",
      Tags.PARTITION),
  TASK_PROCESSING(
      "onceflow.task.processing", Kind.TIMER, null,
      "One task attempt on a worker thread: read its range from Kafka, run the job, commit.",
      Tags.JOB),
  TASK_READ(
      "onceflow.task.read", Kind.TIMER, null,
      "Reading a task's range from Kafka, before its transaction opens.",
      Tags.JOB),
  TASK_COMMIT(
      "onceflow.task.commit", Kind.TIMER, null,
      "The COMMIT of a task's transaction (offsets, job writes and dead letters together).",
      Tags.JOB),
  TASK_RETRIES(
      "onceflow.task.retries", Kind.COUNTER, null,
      "Task attempts given back to be retried; reason=job_failed (the job threw, all rolled"
          + " back) or retriable (Kafka or PostgreSQL unreachable).",
      Tags.REASON),
  IN_FLIGHT_TASKS(
      "onceflow.in.flight.tasks", Kind.GAUGE, "tasks",
      "Tasks this process's worker threads are running now.",
      Tags.JOB),
  WORKER_THREADS(
      "onceflow.worker.threads", Kind.GAUGE, "threads",
      "Worker threads of this process.",
      Tags.JOB),
  BATCHES_PLANNED(
      "onceflow.batches.planned", Kind.COUNTER, null,
      "Batches this driver planned.",
      Tags.JOB),
  BATCH_PROCESSING(
      "onceflow.batch.processing", Kind.TIMER, null,
      "A completed batch, from its first task's start to its last task's commit.",
      Tags.JOB),
  BATCH_SCHEDULING_DELAY(
      "onceflow.batch.scheduling.delay", Kind.TIMER, null,
      "A completed batch, from its plan to its first task's start: grows when the workers fall"
          + " behind.",
      Tags.JOB),
  PARTITION_LAG(
      "onceflow.partition.lag", Kind.GAUGE, "records",
      "End offset (last stable offset) minus committed offset, as the driver last read them;"
          + " negative while a log that shrank below the committed offset is being confirmed,"
          + " absent for a halted partition.",
      Tags.PARTITION),
  PARTITION_UNSTABLE(
      "onceflow.partition.unstable", Kind.GAUGE, "records",
      "High watermark minus last stable offset: offsets held back by open Kafka transactions,"
          + " not plannable yet. One that stays above 0 is a hanging transaction freezing the"
          + " partition while its lag reads 0.",
      Tags.PARTITION),
  PARTITIONS_HALTED(
      "onceflow.halted", Kind.GAUGE, "partitions",
      "Partitions the driver halted because their log is no longer the one their committed offset"
          + " points into (topic re-created, log truncated, topic deleted); an operator's reset"
          + " lifts a halt.",
      Tags.JOB),
  LIVE_WORKERS(
      "onceflow.live.workers", Kind.GAUGE, "workers",
      "Worker processes of the job with a recent heartbeat in the ledger, as the driver sees them.",
      Tags.JOB),
  BATCH_CAP(
      "onceflow.batch.cap", Kind.GAUGE, "records",
      "The per-partition cap of the next batch: batch.max.records.per.partition, lowered by"
          + " source.max.rate.per.partition and by backpressure.",
      Tags.JOB),
  OUTBOX_RELAYED(
      "onceflow.outbox.relayed", Kind.COUNTER, "records",
      "Emitted records the outbox relay of this process published in committed Kafka"
          + " transactions.",
      Tags.JOB),
  OUTBOX_PENDING(
      "onceflow.outbox.pending", Kind.GAUGE, "records",
      "Emitted records committed to the outbox and not yet published, as the leading driver's"
          + " relay last saw them (0 elsewhere): the relay's lag.",
      Tags.JOB);

  /** How a meter aggregates. */
  public enum Kind {
    COUNTER,
    TIMER,
    GAUGE
  }

  /** The tag sets in use. */
  static final class Tags {
    static final List<String> JOB = List.of("job");
    static final List<String> PARTITION = List.of("job", "topic", "partition");
    static final List<String> REASON = List.of("job", "reason");

    private Tags() {}
  }

  private final String meterName;
  private final Kind kind;
  private final String baseUnit;
  private final String description;
  private final List<String> tags;

  OnceflowMeter(String meterName, Kind kind, String baseUnit, String description, List<String> tags) {
    this.meterName = meterName;
    this.kind = kind;
    this.baseUnit = baseUnit;
    this.description = description;
    this.tags = tags;
  }

  /** The Micrometer name, e.g. {@code onceflow.records.in}. */
  public String meterName() {
    return meterName;
  }

  public Kind kind() {
    return kind;
  }

  /** The base unit (Micrometer appends it to Prometheus names); null for timers (seconds). */
  public String baseUnit() {
    return baseUnit;
  }

  public String description() {
    return description;
  }

  public List<String> tags() {
    return tags;
  }

  /**
   * The name Prometheus shows: dots as underscores, the base unit appended unless the name ends
   * with it already, {@code _total} for counters, {@code _seconds} (with {@code _count}, {@code
   * _sum}, {@code _max}) for timers.
   */
  public String prometheusName() {
    String base = meterName.replace('.', '_');
    if (baseUnit != null && !base.endsWith("_" + baseUnit)) {
      base = base + "_" + baseUnit;
    }
    return switch (kind) {
      case COUNTER -> base + "_total";
      case TIMER -> base + "_seconds";
      case GAUGE -> base;
    };
  }
}
