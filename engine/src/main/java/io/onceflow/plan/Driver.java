package io.onceflow.plan;

import io.onceflow.api.OffsetRange;
import io.onceflow.api.OnceflowException;
import io.onceflow.config.MissingTopicPolicy;
import io.onceflow.config.OnceflowConfig;
import io.onceflow.crash.CrashPoint;
import io.onceflow.crash.CrashPoints;
import io.onceflow.kafka.KafkaPartitions;
import io.onceflow.kafka.TopicMetadata;
import io.onceflow.ledger.BatchHistory;
import io.onceflow.ledger.Database;
import io.onceflow.ledger.JobRegistry;
import io.onceflow.ledger.Leadership;
import io.onceflow.ledger.LostLeadershipException;
import io.onceflow.ledger.PartitionId;
import io.onceflow.ledger.PartitionPosition;
import io.onceflow.ledger.PlanStore;
import io.onceflow.ledger.SqlErrors;
import io.onceflow.task.Backoff;
import io.onceflow.task.Retries;
import io.onceflow.metrics.EngineMetrics;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans the job's batches: every {@code batch.interval.ms} it reads the partitions' last stable
 * offsets and writes the next ranges to the ledger, each partition at most {@code
 * batch.max.in.flight} tasks ahead of what it has committed.
 *
 * <p>One driver per job is active. A driver first takes the job's advisory lock (a second one
 * waits as standby, retrying every {@code driver.standby.poll.ms}), bumps the leader epoch, and
 * fences every plan with it ({@link PlanStore}). A restarted driver needs no state of its own:
 * the ledger says what is planned and committed.
 *
 * <p>Each range is capped by {@link BatchCap}: the size cap, the rate limit and, with {@code
 * batch.backpressure=on}, what the workers were seen to keep up with ({@link RateEstimator}). After
 * each plan it looks back at completed batches ({@link BatchObserver}) for metrics and
 * backpressure, and records each partition's lag (end offset minus committed offset).
 *
 * <p>Runs on its own thread; {@link #stop()} may be called from any thread. {@link
 * #endOffsets()} is a snapshot safe to read from any thread.
 */
public final class Driver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Driver.class);

  private final OnceflowConfig config;
  private final Database database;
  private final PlanStore plans;
  private final Planner planner;
  private final PartitionCheck check;
  private final EngineMetrics metrics;
  private final Optional<RateEstimator> estimator;
  private final BatchObserver observer;
  private final BatchHistory history;
  private final String driverId;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong batchesPlanned = new AtomicLong();
  private final Backoff outage = new Backoff(500, 10_000);
  private volatile boolean running = true;
  private volatile boolean leader;
  private volatile Map<PartitionId, Long> endOffsets = Map.of();
  private volatile Map<PartitionId, Long> highWatermarks = Map.of();
  /** Halted partitions and why, as this driver last saw them; written by its thread only. */
  private final Map<PartitionId, String> halted = new ConcurrentHashMap<>();
  private long lastWatermarksNanos;
  private List<String> lastMissing = List.of();
  private long lastLookNanos;
  private long lastEndsNanos;
  private volatile Runnable onPlanned = () -> {};

  public Driver(OnceflowConfig config, Database database) {
    this(config, database, EngineMetrics.none());
  }

  public Driver(OnceflowConfig config, Database database, EngineMetrics metrics) {
    this.config = config;
    this.database = database;
    this.metrics = metrics;
    this.plans = new PlanStore(database.dataSource());
    this.planner = new Planner(config.maxRecordsPerPartition(), config.maxBatchesInFlight());
    this.check = new PartitionCheck(config.jobName());
    this.history = new BatchHistory(database.dataSource());
    this.estimator =
        config.backpressure()
            ? Optional.of(new RateEstimator(config.batchIntervalMs(), 1))
            : Optional.empty();
    this.observer = new BatchObserver(history, config.jobName(), metrics, estimator);
    this.driverId = "driver:" + ManagementFactory.getRuntimeMXBean().getPid() + ":"
        + UUID.randomUUID().toString().substring(0, 8);
    this.thread = new Thread(this::run, "onceflow-driver");
  }

  public void start() {
    thread.start();
  }

  /**
   * Runs {@code listener} on the driver's thread after every committed plan; call before {@link
   * #start}. The engine uses it to wake the workers of its own process at once (in local mode).
   */
  public void whenPlanned(Runnable listener) {
    this.onPlanned = listener;
  }

  private void run() {
    try {
      while (running) {
        leadOnce();
      }
    } catch (Throwable e) {
      if (running && failure.compareAndSet(null, e)) {
        log.error("Driver of job '{}' stops: {}", config.jobName(), e.getMessage(), e);
      }
    } finally {
      running = false;
      leader = false;
      stopped.countDown();
    }
  }

  /**
   * Registers the job (refusing other sources under its name), then leads. The registration is in
   * the loop, not before it, so that a database restart while the driver starts is waited out like
   * one at any other time.
   */
  private void leadOnce() throws InterruptedException, SQLException {
    int lockKey;
    try {
      lockKey = new JobRegistry(database.dataSource())
          .register(config.jobName(), config.sourcesDescription(), config.jobClass());
    } catch (OnceflowException e) {
      if (!Retries.isRetriable(e)) {
        throw e;
      }
      backOff(e);
      return;
    }
    leadOnce(lockKey);
  }

  /** Waits for the leadership, then plans until it is lost or the driver stops. */
  private void leadOnce(int lockKey) throws SQLException, InterruptedException {
    try (Leadership leadership =
        new Leadership(database.dedicatedConnection(), config.jobName(), lockKey, driverId)) {
      boolean announced = false;
      while (running && !leadership.tryAcquire()) {
        if (!announced) {
          log.info("Another driver leads job '{}'; waiting as standby", config.jobName());
          announced = true;
        }
        sleep(config.standbyPollMs());
      }
      if (!running) {
        return;
      }
      leader = true;
      outage.reset();
      observer.reset();
      CrashPoints.reach(CrashPoint.DRIVER_LEADERSHIP_TAKEN);
      log.info("Driver {} leads job '{}' (epoch {})", driverId, config.jobName(), leadership.epoch());
      try (KafkaPartitions kafka = new KafkaPartitions(config.kafkaConsumerProperties());
          TopicMetadata topics = new TopicMetadata(config.kafkaAdminProperties())) {
        planWhileLeading(kafka, topics, leadership);
      } finally {
        leader = false;
        endOffsets = Map.of();
        highWatermarks = Map.of();
        halted.clear();
      }
    } catch (SQLException | OnceflowException e) {
      // A database restart lands here too: the lock connection cannot be opened or is gone.
      if (!Retries.isRetriable(e)) {
        throw e;
      }
      backOff(e);
    }
  }

  /** Waits out a retriable error: logs it and backs off. */
  private void backOff(Exception e) throws InterruptedException {
    long delay = outage.next();
    log.warn("Driver of job '{}' hit a retriable error (attempt {}/unbounded: a driver waits out"
            + " an outage), retrying in {} ms: {}",
        config.jobName(), outage.attempts(), delay, e.getMessage());
    sleep(delay);
  }

  private void planWhileLeading(KafkaPartitions kafka, TopicMetadata topics, Leadership leadership)
      throws InterruptedException {
    while (running) {
      long roundStarted = System.nanoTime();
      if (!leadership.stillHeld()) {
        log.warn("Driver {} lost its leadership connection; stepping down", driverId);
        return;
      }
      Next next;
      try {
        next = planOnce(kafka, topics, leadership.epoch());
      } catch (LostLeadershipException e) {
        log.warn(e.getMessage());
        return;
      } catch (OnceflowException e) {
        if (!e.isRetriable()) {
          throw e;
        }
        if (!running) {
          return; // stopping: an interrupted call to Kafka is no failure worth a warning
        }
        log.warn("Planning for job '{}' failed, retrying: {}", config.jobName(), e.getMessage());
        next = Next.AFTER_INTERVAL;
      }
      // The round's own time counts towards the wait, so batches start every interval, not every
      // interval plus the time it takes to plan one.
      sleep(next.waitMs(config.batchIntervalMs())
          - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - roundStarted));
    }
  }

  /** When the driver looks again after a planning round. */
  enum Next {
    /** Planned (or nothing to plan): the next batch one interval later. */
    AFTER_INTERVAL,
    /**
     * A backlog (ranges capped by the batch size): plan again as soon as a batch slot frees up
     * instead of idling a full interval; catch-up runs at the speed of the workers, every batch
     * still capped.
     */
    BACKLOG,
    /**
     * Due, but every batch slot is taken: look again shortly, so the new batch starts when a slot
     * frees up rather than up to an interval later (at least one interval has passed since the
     * last plan: a rate limit still holds).
     */
    SLOT_BUSY;

    long waitMs(long intervalMs) {
      return switch (this) {
        case AFTER_INTERVAL -> intervalMs;
        case BACKLOG -> Math.min(intervalMs, 50);
        case SLOT_BUSY -> Math.min(intervalMs, 10);
      };
    }
  }

  /**
   * Plans one batch if a partition has a free slot, and says when to look again: a cap set by the
   * rate limit or by backpressure waits for the next interval, since that is what it limits.
   *
   * <p>Before planning it checks every partition's log against the ledger ({@link
   * PartitionCheck}) and halts, in the plan's own epoch-checked transaction, those whose log is
   * no longer the one their committed offset points into. While every slot is taken it still
   * does that, and reads the lag, once a second.
   */
  Next planOnce(KafkaPartitions kafka, TopicMetadata topics, long epoch) {
    BatchCap cap = lookBack();
    Next busy = cap.limit() == BatchCap.Limit.SIZE ? Next.BACKLOG : Next.SLOT_BUSY;
    Map<PartitionId, PartitionPosition> known = plans.positions(config.jobName());
    noteHalted(known);
    boolean full = !known.isEmpty() && known.values().stream().noneMatch(planner::hasRoom);
    if (full && System.nanoTime() - lastEndsNanos < TimeUnit.SECONDS.toNanos(1)) {
      return busy;
    }
    KafkaPartitions.Discovery discovery =
        kafka.discover(config.sourceTopics(), config.sourcePattern());
    warnAboutMissing(discovery.missingTopics());
    List<TopicPartition> fresh = new ArrayList<>();
    Set<String> topicNames = new TreeSet<>();
    for (TopicPartition tp : discovery.partitions()) {
      topicNames.add(tp.topic());
      if (!known.containsKey(id(tp))) {
        fresh.add(tp);
      }
    }
    known.keySet().forEach(p -> topicNames.add(p.topic()));
    Map<String, String> topicIds = topics.ids(topicNames);
    Map<PartitionId, Long> ends = new HashMap<>();
    kafka.endOffsets(discovery.partitions()).forEach((tp, offset) -> ends.put(id(tp), offset));
    lastEndsNanos = System.nanoTime();
    endOffsets = Map.copyOf(ends);
    readHighWatermarks(topics, discovery.partitions(), ends);
    PartitionCheck.Verdict verdict =
        check.check(known, fresh.stream().map(Driver::id).toList(), topicIds, ends, System.currentTimeMillis());
    Map<PartitionId, Long> starts = new HashMap<>();
    StartOffsets.resolve(kafka, fresh, config.startingPosition(), known.isEmpty())
        .forEach((tp, offset) -> starts.put(id(tp), offset));
    PlanStore.PartitionChanges changes =
        new PlanStore.PartitionChanges(starts, verdict.topicIds(), verdict.halts());
    if (full && changes.isEmpty()) {
      known.values().forEach(p -> lag(p, ends));
      return busy;
    }

    List<OffsetRange> planned = new ArrayList<>();
    OptionalLong batch =
        plans.commitPlan(
            config.jobName(),
            epoch,
            changes,
            positions -> {
              planned.clear();
              Map<PartitionId, PartitionPosition> plannable = new TreeMap<>(positions);
              plannable.keySet().removeAll(verdict.leftOut());
              planned.addAll(planner.plan(plannable, ends, cap.records()));
              positions.values().forEach(p -> lag(p, ends));
              return planned;
            },
            () -> CrashPoints.reach(CrashPoint.DRIVER_PLAN_WRITTEN));
    verdict.halts().forEach(h -> halted(h.partition(), h.reason(), "halts"));
    if (batch.isEmpty()) {
      return full ? busy : Next.AFTER_INTERVAL;
    }
    CrashPoints.reach(CrashPoint.DRIVER_PLAN_COMMITTED);
    onPlanned.run();
    batchesPlanned.incrementAndGet();
    metrics.batchPlanned();
    observer.planned(batch.getAsLong(), cap.records());
    log.debug("Planned batch {} of job '{}' (cap {} by {}): {}", batch.getAsLong(), config.jobName(),
        cap.records(), cap.limit(), planned);
    boolean backlog =
        cap.limit() == BatchCap.Limit.SIZE && planned.stream().anyMatch(r -> r.count() == cap.records());
    return backlog ? Next.BACKLOG : Next.AFTER_INTERVAL;
  }

  /**
   * Remembers the partitions the ledger says are halted (by this driver or an earlier one) and
   * says so at ERROR the first time this driver sees each, so a restart repeats the message.
   */
  private void noteHalted(Map<PartitionId, PartitionPosition> known) {
    Map<PartitionId, String> now = new TreeMap<>();
    known.values().stream().filter(PartitionPosition::halted)
        .forEach(p -> now.put(p.partition(), p.haltedReason()));
    now.forEach((p, reason) -> {
      if (!halted.containsKey(p)) {
        halted(p, reason, "finds halted in the ledger");
      }
    });
    halted.keySet().retainAll(now.keySet()); // a reset lifted the others
    metrics.partitionsHalted(halted.keySet());
  }

  private void halted(PartitionId partition, String reason, String how) {
    if (halted.put(partition, reason) == null) {
      log.error("Driver of job '{}' {} partition {}: {}", config.jobName(), how, partition, reason);
      metrics.partitionsHalted(halted.keySet());
    }
  }

  /**
   * Reads the high watermarks beside the last stable offsets, at most once a second: a Kafka
   * transaction left open freezes the last stable offset, and the lag reads 0 while the partition
   * is stuck; the difference shows it.
   */
  private void readHighWatermarks(
      TopicMetadata topics, List<TopicPartition> partitions, Map<PartitionId, Long> ends) {
    if (System.nanoTime() - lastWatermarksNanos < TimeUnit.SECONDS.toNanos(1)) {
      return;
    }
    lastWatermarksNanos = System.nanoTime();
    Map<PartitionId, Long> marks = new HashMap<>();
    topics.highWatermarks(partitions).forEach((tp, offset) -> marks.put(id(tp), offset));
    highWatermarks = Map.copyOf(marks);
    marks.forEach((p, mark) -> {
      Long end = ends.get(p);
      if (end != null) {
        metrics.partitionUnstable(p, Math.max(0, mark - end));
      }
    });
  }

  /**
   * Reports batches completed since the last look (at most every 200 ms; the loop runs every 10
   * to 50 ms while slots are busy or in a backlog) and the live workers; returns the cap of the
   * next batch.
   */
  private BatchCap lookBack() {
    long now = System.nanoTime();
    if (now - lastLookNanos >= TimeUnit.MILLISECONDS.toNanos(200)) {
      lastLookNanos = now;
      plans.requireNoTaskBehindItsOffset(config.jobName());
      observer.look(currentCap().records());
      metrics.liveWorkers(history.liveWorkers(config.jobName(), 3 * config.leaseMs()));
    }
    BatchCap cap = currentCap();
    metrics.batchCap(cap.records());
    return cap;
  }

  private BatchCap currentCap() {
    return BatchCap.of(
        config.maxRecordsPerPartition(),
        config.maxRatePerPartition(),
        config.batchIntervalMs(),
        estimator.map(e -> e.recordsPerBatch().orElse(0)).orElse(0.0));
  }

  private void lag(PartitionPosition position, Map<PartitionId, Long> ends) {
    Long end = ends.get(position.partition());
    if (end != null && !position.halted()) {
      // Not clamped: a log below the committed offset must not read as "caught up".
      metrics.partitionLag(position.partition(), end - position.committedUntil());
    }
  }

  /**
   * Topics of {@code source.topics} that do not exist: with {@code source.missing.topic=fail} the
   * driver stops (nothing of this plan is written); with {@code wait} it says so once per change
   * and plans the topics that exist.
   */
  private void warnAboutMissing(List<String> missing) {
    if (!missing.isEmpty() && config.missingTopicPolicy() == MissingTopicPolicy.FAIL) {
      throw new OnceflowException(
          "Topic(s) " + missing + " of job '" + config.jobName() + "' do not exist in Kafka at "
              + config.kafkaBootstrapServers() + " (source.missing.topic=fail). Create them, fix"
              + " source.topics, or set source.missing.topic=wait.");
    }
    if (!missing.isEmpty() && !missing.equals(lastMissing)) {
      log.warn(
          "Job '{}' waits for topic(s) {} which do not exist yet; create them or fix source.topics",
          config.jobName(),
          missing);
    }
    lastMissing = missing;
  }

  private static PartitionId id(TopicPartition tp) {
    return new PartitionId(tp.topic(), tp.partition());
  }

  private void sleep(long millis) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(Math.max(0, millis));
  }

  public void stop() {
    running = false;
    thread.interrupt();
    try {
      stopped.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
    return stopped.await(timeout, unit);
  }

  @Override
  public void close() {
    stop();
  }

  public boolean isLeader() {
    return leader;
  }

  public boolean isRunning() {
    return running;
  }

  public Throwable failure() {
    return failure.get();
  }

  public long batchesPlanned() {
    return batchesPlanned.get();
  }

  public String driverId() {
    return driverId;
  }

  /**
   * The end offsets (last stable offsets) this driver last read, by partition; empty before its
   * first plan or while it waits as a standby.
   */
  public Map<PartitionId, Long> endOffsets() {
    return endOffsets;
  }

  /** The high watermarks this driver last read (at most a second old while it leads). */
  public Map<PartitionId, Long> highWatermarks() {
    return highWatermarks;
  }

  /** The partitions halted now, and why, as this driver last saw them; empty on a standby. */
  public Map<PartitionId, String> haltedPartitions() {
    return Map.copyOf(halted);
  }
}
