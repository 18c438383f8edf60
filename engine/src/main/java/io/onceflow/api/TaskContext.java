package io.onceflow.api;

import java.sql.Connection;

/**
 * The task a job is processing, bound to the task's open PostgreSQL transaction.
 *
 * <p>Valid only during the {@link Job#process} call that received it.
 */
public interface TaskContext {

  /**
   * The task's connection, inside its open transaction. Write the job's effects here; never
   * commit, roll back, close it or change its auto-commit mode, in JDBC or in SQL: the engine
   * does, together with the offsets, and stops the worker when the job did (nothing of the task
   * commits). Savepoints are allowed: put one around a statement that may fail and roll back to
   * it; a job that swallows an {@code SQLException} without one leaves the transaction aborted,
   * which fails the call like a throw. Session settings ({@code SET …}) last for this call only:
   * the engine resets the session before and after each task.
   */
  Connection connection();

  /** The offsets of this task: what the ledger will record as consumed when it commits. */
  OffsetRange range();

  /** The batch this task belongs to (1, 2, 3 …). */
  long batchId();

  String jobName();

  /**
   * Sends a record to the dead-letter table instead of applying it. The dead letter commits in
   * the same transaction as the task, so the record counts as handled exactly once.
   *
   * @throws IllegalArgumentException for a record not in this task, or one named twice; the call
   *     fails then even if the job catches it
   */
  void deadLetter(Record<?> record, Throwable reason);
}
