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
   * commit, roll back, close it or change its auto-commit mode: the engine does, together with
   * the offsets.
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
   */
  void deadLetter(Record<?> record, Throwable reason);
}
