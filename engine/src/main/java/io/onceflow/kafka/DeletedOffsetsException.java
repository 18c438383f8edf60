package io.onceflow.kafka;

import io.onceflow.api.OffsetRange;
import io.onceflow.api.OnceflowException;

/**
 * Kafka no longer holds offsets of a planned range: retention deleted them before the job
 * processed them, and {@code source.deleted.offsets=fail}. Not retriable: the records will never
 * come back. The message names the partition, the missing offsets and the way out.
 */
public final class DeletedOffsetsException extends OnceflowException {
  private static final long serialVersionUID = 1L;

  private final OffsetRange missing;

  public DeletedOffsetsException(OffsetRange task, OffsetRange missing) {
    super(
        "Offsets "
            + missing
            + " are no longer in Kafka (deleted by retention before they were processed);"
            + " they belong to the planned range "
            + task
            + " (source.deleted.offsets=fail). Set source.deleted.offsets=skip to record the gap"
            + " in onceflow.gaps and go on with the records that are left, or lengthen the topic's"
            + " retention.");
    this.missing = missing;
  }

  /** The offsets Kafka deleted, within the task's range. */
  public OffsetRange missing() {
    return missing;
  }
}
