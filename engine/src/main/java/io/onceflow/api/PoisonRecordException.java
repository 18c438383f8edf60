package io.onceflow.api;

/**
 * A record could not be deserialized, or the job kept failing on it, and the job's poison policy
 * is {@code fail}: the task rolled back whole and the worker stops. The message names the record
 * as {@code topic-partition@offset} and the error it caused.
 */
public class PoisonRecordException extends OnceflowException {
  private static final long serialVersionUID = 1L;

  private final String topic;
  private final int partition;
  private final long offset;

  public PoisonRecordException(
      String topic, int partition, long offset, String task, String errorClass, String errorMessage) {
    super(
        "Poison record "
            + topic
            + "-"
            + partition
            + "@"
            + offset
            + " in task "
            + task
            + " (job.poison.policy=fail): "
            + errorClass
            + (errorMessage == null ? "" : ": " + errorMessage)
            + ". Nothing of that task was committed. Fix the job or the record and restart, or set"
            + " job.poison.policy=dead-letter to set such records aside.");
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
  }

  public String topic() {
    return topic;
  }

  public int partition() {
    return partition;
  }

  public long offset() {
    return offset;
  }
}
