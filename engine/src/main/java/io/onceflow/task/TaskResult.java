package io.onceflow.task;

/** How one attempt at a task ended. */
record TaskResult(Outcome outcome, int records, int deadLetters, Throwable error) {

  enum Outcome {
    /** This attempt committed the range. */
    COMMITTED,
    /** Another attempt had already committed it; nothing was written. */
    ALREADY_COMMITTED,
    /** An earlier range of the partition is not committed yet; nothing was written. */
    NOT_HEAD,
    /** The job threw; everything was rolled back. */
    JOB_FAILED
  }

  static TaskResult of(Outcome outcome) {
    return new TaskResult(outcome, 0, 0, null);
  }
}
