package io.onceflow.task;

import io.onceflow.ledger.ClaimedTask;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt a worker thread is running, as the lease keeper sees it: past {@code
 * worker.task.timeout.ms} it is aborted once (its transaction's connection aborted, its thread
 * interrupted) and its lease is no longer renewed.
 *
 * <p>Thread-safe: the lease keeper times it out while its worker thread ends it; both under this
 * object's lock, so an interrupt meant for this attempt never reaches the thread's next one (the
 * end clears it).
 */
final class RunningAttempt {
  private static final Logger log = LoggerFactory.getLogger(RunningAttempt.class);

  private final ClaimedTask task;
  private final WorkerThread worker;
  private final Thread thread;
  private final long startedNanos;
  private boolean timedOut;
  private boolean ended;
  private boolean reportedStuck;

  RunningAttempt(ClaimedTask task, WorkerThread worker, Thread thread, long startedNanos) {
    this.task = task;
    this.worker = worker;
    this.thread = thread;
    this.startedNanos = startedNanos;
  }

  /**
   * Aborts the attempt if it has run longer than {@code timeoutMs}; returns whether it is timed
   * out (now or before), that is whether its lease must not be renewed.
   */
  synchronized boolean timeOutIfPast(long nowNanos, long timeoutMs) {
    if (ended) {
      return true;
    }
    long ranMs = TimeUnit.NANOSECONDS.toMillis(nowNanos - startedNanos);
    if (timedOut) {
      if (!reportedStuck && ranMs > 2 * timeoutMs) {
        reportedStuck = true;
        log.error("Task {}: its thread {} still has not returned {} ms after it was aborted; it"
            + " ignores interrupts and its aborted connection. Nothing of it can commit, and its"
            + " lease has run out, so another attempt may claim the task; this thread is lost to"
            + " the worker until it returns.", task, thread.getName(), ranMs - timeoutMs);
      }
      return true;
    }
    if (ranMs <= timeoutMs) {
      return false;
    }
    timedOut = true;
    log.warn("Task {} has run for {} ms, past worker.task.timeout.ms={}: aborting it (connection"
        + " aborted, thread interrupted; nothing of it commits), counted as a job failure", task,
        ranMs, timeoutMs);
    worker.abandon();
    thread.interrupt();
    return true;
  }

  synchronized boolean timedOut() {
    return timedOut;
  }

  /** Called by the worker thread itself when the attempt is over. */
  synchronized void end() {
    ended = true;
    if (timedOut && Thread.currentThread() == thread) {
      Thread.interrupted(); // the interrupt was for this attempt, not for the next one
    }
  }
}
