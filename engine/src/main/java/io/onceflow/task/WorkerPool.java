package io.onceflow.task;

import io.onceflow.api.Job;
import io.onceflow.config.DeletedOffsetsPolicy;
import io.onceflow.config.OnceflowConfig;
import io.onceflow.crash.CrashPoint;
import io.onceflow.crash.CrashPoints;
import io.onceflow.job.RecordDecoder;
import io.onceflow.kafka.RangeReader;
import io.onceflow.kafka.TopicMetadata;
import io.onceflow.ledger.ClaimedTask;
import io.onceflow.ledger.Database;
import io.onceflow.ledger.PartitionId;
import io.onceflow.ledger.TaskQueue;
import io.onceflow.ledger.WorkerRegistry;
import io.onceflow.metrics.EngineMetrics;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process's pool of threads running tasks of one job, plus the lease keeper that
 * renews their leases on a separate autocommit connection.
 *
 * <p>The worker's identity is new at every start ({@code host:pid:random}), so a restarted
 * process never mistakes an old lease for its own.
 *
 * <p>Thread-safe: {@link #stop()} may be called from any thread (a shutdown hook, say).
 */
public final class WorkerPool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

  private final OnceflowConfig config;
  private final Database database;
  private final Supplier<Job<?>> jobFactory;
  private final Clock clock;
  private final TaskQueue queue;
  private final WorkerRegistry registry;
  private final TaskQueue leases;
  private final WorkerRegistry heartbeats;
  /** When the last renewal was sent (nanoTime), for the warning when one fails; keeper thread only. */
  private long lastRenewalNanos = System.nanoTime();
  private final String workerId;
  private final List<Thread> threads = new ArrayList<>();
  private final List<WorkerThread> workers = new ArrayList<>();
  private final ScheduledExecutorService leaseKeeper;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong committedTasks = new AtomicLong();
  private final AtomicLong committedRecords = new AtomicLong();
  private final AtomicInteger runningTasks = new AtomicInteger();
  /**
   * The attempts the threads are running now: the lease keeper renews the leases of those within
   * {@code worker.task.timeout.ms} and aborts the others.
   */
  private final Map<ClaimedTask, RunningAttempt> inFlight = new ConcurrentHashMap<>();
  private final EngineMetrics metrics;
  private TopicMetadata topics;
  private volatile boolean running;
  /** Counts "new work may be claimable" signals; idle threads wait on it (see {@link #awaitWork}). */
  private final Object newWork = new Object();
  private long newWorkSignals;

  public WorkerPool(OnceflowConfig config, Database database, Supplier<Job<?>> jobFactory, Clock clock) {
    this(config, database, jobFactory, clock, EngineMetrics.none());
  }

  public WorkerPool(
      OnceflowConfig config,
      Database database,
      Supplier<Job<?>> jobFactory,
      Clock clock,
      EngineMetrics metrics) {
    this.metrics = metrics;
    this.config = config;
    this.database = database;
    this.jobFactory = jobFactory;
    this.clock = clock;
    this.queue = new TaskQueue(database.dataSource());
    this.registry = new WorkerRegistry(database.dataSource());
    // Renewals and heartbeats on the lease keeper's own connection: a main pool busy with tasks,
    // planning and HTTP requests must not make a renewal wait until its lease is lost.
    this.leases = new TaskQueue(database.leaseKeeper());
    this.heartbeats = new WorkerRegistry(database.leaseKeeper());
    this.workerId = host() + ":" + ManagementFactory.getRuntimeMXBean().getPid() + ":"
        + UUID.randomUUID().toString().substring(0, 8);
    this.leaseKeeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "onceflow-lease-keeper");
              t.setDaemon(true);
              return t;
            });
  }

  @SuppressWarnings("unchecked")
  public synchronized void start() {
    registry.register(workerId, config.jobName(), host(), ProcessHandle.current().pid(), config.workerThreads());
    topics = new TopicMetadata(config.kafkaAdminProperties());
    running = true;
    metrics.workerThreads(config.workerThreads());
    metrics.tasksInFlight(runningTasks::get);
    RecordDecoder decoder = new RecordDecoder(config.valueFormat());
    for (int i = 0; i < config.workerThreads(); i++) {
      Job<Object> job = (Job<Object>) jobFactory.get();
      RangeReader reader =
          new RangeReader(
              config.kafkaConsumerProperties(),
              "onceflow-" + config.jobName() + "-" + i,
              Duration.ofMillis(Math.max(30_000, config.leaseMs())),
              clock);
      TaskAttempt attempt = new TaskAttempt(database, job, decoder, config.taskAttempts(),
          config.poisonPolicy(), config.poisonMaxPercent(), config.outboxMaxRecordBytes(), metrics);
      WorkerThread worker = new WorkerThread(this, job, reader, attempt, queue);
      Thread thread = new Thread(worker, "onceflow-worker-" + i);
      workers.add(worker);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
    long period = Math.max(100, config.leaseMs() / 3);
    leaseKeeper.scheduleWithFixedDelay(this::renewLeases, period, period, TimeUnit.MILLISECONDS);
    log.info("Worker {} started {} threads for job '{}'", workerId, threads.size(), config.jobName());
  }

  private void renewLeases() {
    long sent = System.nanoTime();
    try {
      List<ClaimedTask> renewable = new ArrayList<>();
      inFlight.forEach((task, attempt) -> {
        if (!attempt.timeOutIfPast(sent, config.taskTimeoutMs())) {
          renewable.add(task);
        }
      });
      leases.renewLeases(config.jobName(), workerId, config.leaseMs(), renewable);
      lastRenewalNanos = sent;
      heartbeats.heartbeat(workerId);
      CrashPoints.reach(CrashPoint.WORKER_LEASE_RENEWED);
    } catch (RuntimeException e) {
      long sinceMs = TimeUnit.NANOSECONDS.toMillis(sent - lastRenewalNanos);
      log.warn("Could not renew the leases of worker {} ({} task(s) running; renewed last {} ms ago,"
              + " so they run out in about {} ms unless a renewal gets through): {}",
          workerId, inFlight.size(), sinceMs, Math.max(0, config.leaseMs() - sinceMs), e.getMessage());
    }
  }

  /**
   * Graceful stop, bounded by {@code worker.shutdown.grace.ms} plus a few seconds: stops taking
   * tasks; each thread may finish the task it is running within the grace period; a thread still
   * busy after it <em>abandons</em> its task (interrupted, its transaction's connection aborted, so
   * PostgreSQL rolls back: nothing of it commits) and gives it back with its attempt uncounted.
   * Then every lease left is released, so another worker can claim at once instead of waiting for
   * the lease to run out.
   */
  public synchronized void stop() {
    running = false;
    newWorkMayBeClaimable(); // idle threads see the stop at once
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.shutdownGraceMs());
    joinUntil(deadline);
    for (int i = 0; i < threads.size(); i++) {
      if (threads.get(i).isAlive()) {
        log.warn("Worker {} abandons its running task after the {} ms grace period"
            + " (worker.shutdown.grace.ms): rolled back, released", workerId, config.shutdownGraceMs());
        threads.get(i).interrupt();
        workers.get(i).abandon();
      }
    }
    joinUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
    leaseKeeper.shutdownNow();
    if (topics != null) {
      topics.close();
    }
    try {
      Retries.call("release the leases of worker " + workerId, 3, new Backoff(200, 1_000),
          Thread::sleep, () -> {
            queue.releaseAll(config.jobName(), workerId);
            registry.stopped(workerId);
            return null;
          });
    } catch (RuntimeException e) {
      log.warn("Could not release the leases of worker {} (they expire on their own): {}", workerId, e.getMessage());
    }
    stopped.countDown();
  }

  private void joinUntil(long deadlineNanos) {
    for (Thread t : threads) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
      try {
        t.join(Math.max(1, left));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Blocks until the pool stopped or failed. */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    if (stopped.getCount() > 0) {
      stop();
    }
  }

  /** The error that stopped the pool, if one did. */
  public Throwable failure() {
    return failure.get();
  }

  public String workerId() {
    return workerId;
  }

  public long committedTasks() {
    return committedTasks.get();
  }

  public long committedRecords() {
    return committedRecords.get();
  }

  boolean isRunning() {
    return running;
  }

  String jobName() {
    return config.jobName();
  }

  long batchIntervalMs() {
    return config.batchIntervalMs();
  }

  long leaseMs() {
    return config.leaseMs();
  }

  boolean skipsDeletedOffsets() {
    return config.deletedOffsetsPolicy() == DeletedOffsetsPolicy.SKIP;
  }

  long taskTimeoutMs() {
    return config.taskTimeoutMs();
  }

  int maxAttempts() {
    return config.taskAttempts();
  }

  EngineMetrics metrics() {
    return metrics;
  }

  /**
   * Why the records just read for {@code task} may not come from the topic the ledger recorded
   * for its partition (deleted and created again), or empty when they do. Asked after the read,
   * not before: a topic re-created before the read is seen here, one re-created after it did not
   * change what was read. A task without a recorded topic ID is not checked (the driver records
   * one at its next plan).
   */
  Optional<String> topicChange(ClaimedTask task) {
    if (task.topicId() == null) {
      return Optional.empty();
    }
    String topic = task.range().topic();
    String current = topics.ids(List.of(topic)).get(topic);
    if (task.topicId().equals(current)) {
      return Optional.empty();
    }
    return Optional.of(
        "Task " + task + " not run: its records were read from a different log than the one the"
            + " ledger recorded for " + topic + "-" + task.range().partition() + " (topic ID "
            + task.topicId() + ", now " + (current == null ? "no such topic" : current) + ": the"
            + " topic was deleted" + (current == null ? "" : " and created again") + "). Nothing"
            + " of it is committed; the driver halts the partition, and `onceflow offsets reset`"
            + " moves the job on.");
  }

  /** A worker thread took a task; {@link #taskEnded} follows in a finally block. */
  void taskStarted(ClaimedTask task, WorkerThread worker) {
    inFlight.put(task, new RunningAttempt(task, worker, Thread.currentThread(), System.nanoTime()));
    runningTasks.incrementAndGet();
  }

  /** Whether the running attempt at {@code task} was aborted for taking too long. */
  boolean timedOut(ClaimedTask task) {
    RunningAttempt attempt = inFlight.get(task);
    return attempt != null && attempt.timedOut();
  }

  void taskEnded(ClaimedTask task, long nanos) {
    RunningAttempt attempt = inFlight.remove(task);
    if (attempt != null) {
      attempt.end();
    }
    runningTasks.decrementAndGet();
    metrics.taskProcessed(nanos);
  }

  void committed(ClaimedTask task, TaskResult result) {
    metrics.taskCommitted(
        new PartitionId(task.range().topic(), task.range().partition()),
        task.range().count(),
        result.deadLetters());
    committedTasks.incrementAndGet();
    committedRecords.addAndGet(result.records() + result.deadLetters());
    // The partition's next planned task has just become its head: an idle thread may claim it.
    newWorkMayBeClaimable();
    log.debug("Committed {} ({} records, {} dead letters)", task, result.records(), result.deadLetters());
  }

  void fail(Throwable error) {
    if (failure.compareAndSet(null, error)) {
      log.error("Worker {} stops: {}", workerId, error.getMessage(), error);
      running = false;
      Thread stopper = new Thread(this::stop, "onceflow-worker-stop");
      stopper.setDaemon(true);
      stopper.start();
    }
  }

  /**
   * Wakes the idle threads of this pool now instead of at the end of their idle wait: called when
   * a batch was planned (by a driver in the same process) and when a task commits. Workers in
   * other processes still find new work by asking again, within a quarter of the batch interval.
   */
  public void newWorkMayBeClaimable() {
    synchronized (newWork) {
      newWorkSignals++;
      newWork.notifyAll();
    }
  }

  /** The signals so far: taken before asking for a task, handed to {@link #awaitWork}. */
  long newWorkSignals() {
    synchronized (newWork) {
      return newWorkSignals;
    }
  }

  /**
   * An idle thread's wait: up to {@code millis}, over at once if a signal came since {@code
   * signalsBefore} (also one that came between the failed claim and this call).
   */
  void awaitWork(long signalsBefore, long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (newWork) {
      long left;
      while (running && newWorkSignals == signalsBefore
          && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(newWork, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          running = false;
        }
      }
    }
  }

  void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  ThreadJobSetup setupFor() {
    return new ThreadJobSetup(config.jobName(), config.jobParams(), database);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "unknown-host";
    }
  }
}
