package io.onceflow.config;

/**
 * What a worker does when Kafka no longer holds some offsets of its task's range because
 * retention deleted them before they were processed (config key {@code source.deleted.offsets}).
 */
public enum DeletedOffsetsPolicy {
  /** Stop the worker with an error naming the partition and the missing range. */
  FAIL,
  /**
   * Record the missing range in {@code onceflow.gaps}, in the task's transaction, and process
   * what is left of the range: the gap and the committed task together cover the planned range.
   */
  SKIP
}
