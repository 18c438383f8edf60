package io.onceflow.api;

import java.util.List;

/**
 * A user's job: receives the records of one task and writes their effects through the task's
 * transaction.
 *
 * <p><b>Lifecycle.</b> The engine creates one instance per worker thread with the public no-arg
 * constructor, calls {@link #open(JobSetup)} once, then {@link #process(List, TaskContext)} for
 * every task that thread runs, and {@link #close()} when the thread stops. An instance is never
 * called from two threads.
 *
 * <p><b>Exactly once.</b> Everything written through {@link TaskContext#connection()} commits
 * atomically with the offsets of the task's range, or not at all. A task may be processed more
 * than once (a crash before commit, a retry), so the job must not keep effects outside that
 * transaction: writes to other systems are at-least-once.
 *
 * <p>Throwing from {@code process} (any {@code Exception} or {@code Error}) rolls the whole task
 * back; the engine retries it and, after {@code worker.task.attempts} such failures, isolates the
 * failing records as dead letters. Not counted, retried: a {@link RetriableException} (say a
 * service the job calls is away) and a failure of the task connection. The worker stops, naming
 * the job, on a JVM error ({@code OutOfMemoryError}), a missing right, table or column, a mass
 * failure ({@code job.poison.max.percent}) or a job that ends the task transaction itself. See
 * {@code docs/failures.md}.
 *
 * @param <V> the value type of the job's {@code value.format}
 */
public interface Job<V> {

  /** Called once per worker thread before its first task. */
  default void open(JobSetup setup) throws Exception {}

  /**
   * Processes the records of one task, in offset order. The list may be empty only when the
   * whole range holds no data records (transaction markers, compacted away, all dead-lettered).
   *
   * <p>The list is read-only and valid during this call only (the worker refills its memory with
   * the next task's records; a kept list fails when read later). Each {@link Record} it returns
   * is an independent value and may be kept.
   */
  void process(List<Record<V>> records, TaskContext context) throws Exception;

  /** Called once when the worker thread stops. */
  default void close() throws Exception {}
}
