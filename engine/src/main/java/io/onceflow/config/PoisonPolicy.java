package io.onceflow.config;

/**
 * What a worker does with a record that cannot be deserialized, or that makes the job throw after
 * {@code worker.task.attempts} attempts (config key {@code job.poison.policy}).
 */
public enum PoisonPolicy {
  /**
   * Isolate the failing records by bisection under savepoints, store them in {@code
   * onceflow.dead_letters}, commit the rest of the range with its offsets: the partition moves on.
   */
  DEAD_LETTER,
  /**
   * Roll the task back and stop the worker with an error naming the record ({@code
   * topic-partition@offset}) and the exception. Nothing of that task commits; the partition waits
   * until the job or the record is fixed.
   */
  FAIL
}
