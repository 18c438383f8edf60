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

  /**
   * Emits a record to a Kafka topic, exactly once: it is written to the outbox in this task's
   * transaction, so it commits with the task's results and offsets or not at all (a task that runs
   * again emits nothing twice), and the relay publishes it with a Kafka transaction after the
   * commit. Consumers that read the topic with {@code isolation.level=read_committed} see each
   * emitted record once, and the records of one source partition in the order they were emitted.
   * See docs/outbox.md.
   *
   * @throws IllegalArgumentException for a record larger than {@code outbox.max.record.bytes} or
   *     an invalid topic name; the call fails then even if the job catches it
   */
  void emit(OutputRecord record);

  /** {@link #emit(OutputRecord)} of a record of UTF-8 strings, partitioned by key. */
  default void emit(String topic, String key, String value) {
    emit(OutputRecord.of(topic, key, value));
  }

  /** {@link #emit(OutputRecord)} of a record of bytes, partitioned by key. */
  default void emit(String topic, byte[] key, byte[] value) {
    emit(OutputRecord.of(topic, key, value));
  }
}
