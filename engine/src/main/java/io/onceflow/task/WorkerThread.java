package io.onceflow.task;

import io.onceflow.api.Job;
import io.onceflow.api.OnceflowException;
import io.onceflow.crash.CrashPoint;
import io.onceflow.crash.CrashPoints;
import io.onceflow.kafka.RangeReader;
import io.onceflow.ledger.ClaimedTask;
import io.onceflow.ledger.PartitionId;
import io.onceflow.ledger.TaskQueue;
import io.onceflow.metrics.EngineMetrics.RetryReason;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker thread's loop: claim the head task of some partition, read its range, run the
 * commit protocol, repeat. Owns its job instance and its Kafka consumer (confined to this
 * thread).
 *
 * <p>Retriable errors (a broker or database away) release the task with a backoff and go on; a
 * fatal error (a ledger inconsistency, deleted offsets) stops the whole worker through {@link
 * WorkerPool#fail}.
 */
final class WorkerThread implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(WorkerThread.class);

  private final WorkerPool pool;
  private final Job<Object> job;
  private final RangeReader reader;
  private final TaskAttempt attempt;
  private final TaskQueue queue;
  private final Backoff idle;
  private final Backoff errors = new Backoff(200, 10_000);

  WorkerThread(WorkerPool pool, Job<Object> job, RangeReader reader, TaskAttempt attempt, TaskQueue queue) {
    this.pool = pool;
    this.job = job;
    this.reader = reader;
    this.attempt = attempt;
    this.queue = queue;
    this.idle = idleBackoff(pool.batchIntervalMs());
  }

  /**
   * How long a thread with nothing to claim waits before asking again: growing from 20 ms, up to
   * a quarter of the batch interval (at least 5 ms, at most 200 ms). A fixed 200 ms ceiling let a
   * new batch wait up to that long for an idle worker, two intervals at {@code
   * batch.interval.ms=100}; at the default interval (1 s) nothing changes.
   */
  static Backoff idleBackoff(long batchIntervalMs) {
    long ceiling = Math.max(5, Math.min(200, batchIntervalMs / 4));
    return new Backoff(Math.min(20, ceiling), ceiling);
  }

  @Override
  public void run() {
    try (reader) {
      try (ThreadJobSetup setup = pool.setupFor()) {
        job.open(setup);
      } catch (Exception e) {
        throw MissingRights.in(e)
            ? MissingRights.explain(job.getClass().getName(), "open()", e)
            : new OnceflowException("Job " + job.getClass().getName() + " failed in open(): " + e, e);
      }
      while (pool.isRunning()) {
        long signals = pool.newWorkSignals();
        if (!runOneTask()) {
          pool.awaitWork(signals, idle.next());
        } else {
          idle.reset();
        }
      }
    } catch (Throwable e) {
      if (pool.isRunning()) {
        pool.fail(e);
      } else {
        log.debug("Worker thread ends while stopping: {}", e.toString());
      }
    } finally {
      Thread.interrupted(); // an abandon's interrupt must not fail the consumer's close
      closeJob();
    }
  }

  /**
   * Called by a stopping pool from another thread: aborts the connection of the running task's
   * transaction, so a job blocked in the database returns too. PostgreSQL rolls the transaction
   * back; the task is then given back by this thread ({@link #abandonQuietly}).
   */
  void abandon() {
    attempt.abortInFlight();
  }

  /** Returns false when there was nothing to do. */
  private boolean runOneTask() {
    Optional<ClaimedTask> claimed;
    try {
      claimed = queue.claim(pool.jobName(), pool.workerId(), pool.leaseMs());
    } catch (OnceflowException e) {
      if (!Retries.isRetriable(e)) {
        throw e;
      }
      long delay = errors.next();
      log.warn("Cannot claim a task (attempt {}/unbounded: a worker waits out an outage),"
          + " retrying in {} ms: {}", errors.attempts(), delay, e.getMessage());
      pool.sleep(delay);
      return true;
    }
    if (claimed.isEmpty()) {
      return false;
    }
    ClaimedTask task = claimed.get();
    CrashPoints.reach(CrashPoint.WORKER_CLAIMED);
    long started = System.nanoTime(); // a duration for metrics only, never a decision
    pool.taskStarted(task, this);
    try {
      RangeReader.Read read = reader.read(task.range(), pool.skipsDeletedOffsets());
      pool.metrics().taskRead(System.nanoTime() - started);
      Optional<String> changed = pool.topicChange(task);
      if (changed.isPresent()) {
        // Not the worker's fault, nor the job's: give the task back uncounted and go on with
        // other partitions; the driver halts this one and retires its tasks.
        log.error(changed.get());
        releaseQuietly(task, pool.leaseMs(), new OnceflowException(changed.get()));
        return true;
      }
      if (!read.gaps().isEmpty()) {
        log.warn(
            "Task {}: Kafka had deleted offsets {} before they were read"
                + " (source.deleted.offsets=skip); recording them in onceflow.gaps",
            task,
            read.gaps());
      }
      CrashPoints.reach(CrashPoint.WORKER_RECORDS_READ);
      TaskResult result = attempt.run(task, read.records(), read.gaps());
      if (pool.timedOut(task) && !result.outcome().done()) {
        timedOut(task, result.error());
        return true;
      }
      handle(task, result);
      if (result.outcome() == TaskResult.Outcome.COMMITTED) {
        read.gaps().forEach(
            g -> pool.metrics().gapSkipped(new PartitionId(g.topic(), g.partition()), g.count()));
      }
      errors.reset();
    } catch (RuntimeException e) {
      if (pool.timedOut(task) && pool.isRunning()) {
        timedOut(task, e); // whatever the abort made the read or the job throw
        return true;
      }
      if (!pool.isRunning()) {
        abandonQuietly(task, e);
        return true;
      }
      if (!Retries.isRetriable(e)) {
        releaseQuietly(task, 0, e);
        throw e;
      }
      long delay = errors.next();
      log.warn("Task {} hit a retriable error (attempt {}/unbounded), released; retrying in {} ms:"
          + " {}", task, errors.attempts(), delay, e.getMessage());
      pool.metrics().taskRetried(RetryReason.RETRIABLE);
      releaseQuietly(task, delay, e);
    } finally {
      pool.taskEnded(task, System.nanoTime() - started);
    }
    return true;
  }

  private void handle(ClaimedTask task, TaskResult result) {
    switch (result.outcome()) {
      case COMMITTED -> pool.committed(task, result);
      case ALREADY_COMMITTED -> log.info("Task {} was already committed by another attempt", task);
      case NOT_HEAD -> releaseQuietly(task, 100, null);
      case JOB_FAILED -> {
        if (!pool.isRunning()) {
          abandonQuietly(task, result.error());
          return;
        }
        pool.metrics().taskRetried(RetryReason.JOB_FAILED);
        int failures = task.failures() + 1;
        long delay = Math.min(10_000, 200L << Math.min(failures, 6));
        log.warn(
            "Job failed on task {} (failure {}/{}{}), rolled back; retrying in {} ms: {}",
            task,
            failures,
            pool.maxAttempts(),
            failures >= pool.maxAttempts() ? ", the next attempt isolates the failing records" : "",
            delay,
            String.valueOf(result.error()),
            result.error());
        releaseQuietly(task, delay, result.error(), true);
      }
      case POISONED -> throw (RuntimeException) result.error(); // released by the caller
    }
  }

  /**
   * An attempt the lease keeper aborted past {@code worker.task.timeout.ms}: nothing of it
   * committed (its connection was aborted before COMMIT). The job did not return in time, so the
   * failure is the job's and counts towards {@code worker.task.attempts}.
   */
  private void timedOut(ClaimedTask task, Throwable cause) {
    int failures = task.failures() + 1;
    long delay = Math.min(10_000, 200L << Math.min(failures, 6));
    TaskTimeoutException error = new TaskTimeoutException(task, pool.taskTimeoutMs(), cause);
    pool.metrics().taskRetried(RetryReason.JOB_FAILED);
    log.warn("{} (failure {}/{}), rolled back; retrying in {} ms", error.getMessage(), failures,
        pool.maxAttempts(), delay);
    releaseQuietly(task, delay, error, true);
  }

  /** Gives back a task this stopping worker did not finish, claimable at once, attempt uncounted. */
  private void abandonQuietly(ClaimedTask task, Throwable why) {
    log.info("Abandoned task {} while stopping (rolled back, released): {}", task, String.valueOf(why));
    try {
      queue.abandon(task, pool.workerId());
    } catch (RuntimeException e) {
      log.debug("Could not give back {} (the stop releases all leases): {}", task, e.getMessage());
    }
  }

  private void releaseQuietly(ClaimedTask task, long retryAfterMs, Throwable error) {
    releaseQuietly(task, retryAfterMs, error, false);
  }

  /** @param jobFailed the job failed on this attempt: it counts towards worker.task.attempts */
  private void releaseQuietly(
      ClaimedTask task, long retryAfterMs, Throwable error, boolean jobFailed) {
    try {
      queue.release(
          task, pool.workerId(), retryAfterMs, error == null ? null : error.toString(), jobFailed);
    } catch (RuntimeException e) {
      // The lease expires on its own; the task is claimable again then.
      log.debug("Could not release {}: {}", task, e.getMessage());
    }
  }

  private void closeJob() {
    try {
      job.close();
    } catch (Exception e) {
      log.warn("Job close() failed: {}", e.toString());
    }
  }
}
