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
    JOB_FAILED,
    /**
     * A record could not be handled and the poison policy is {@code fail}: everything was rolled
     * back, and the error says which record; the worker stops.
     */
    POISONED;

    /** Whether the range is committed (by this attempt or another): nothing left to retry. */
    boolean done() {
      return this == COMMITTED || this == ALREADY_COMMITTED;
    }
  }

  static TaskResult of(Outcome outcome) {
    return new TaskResult(outcome, 0, 0, null);
  }
}
