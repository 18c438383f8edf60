package io.onceflow.ledger;

import io.onceflow.api.OffsetRange;

/**
 * A task this worker holds a lease on.
 *
 * @param attempts how many times the task has been claimed, this claim included
 * @param failures how many attempts before this one the job failed on: what {@code
 *     worker.task.attempts} counts (a claim after an outage, a lost lease or a stopping worker is
 *     an attempt, not a failure)
 * @param topicId the ID of the topic the ledger recorded for the partition (null when none was
 *     recorded): the records read must come from that topic
 */
public record ClaimedTask(
    String job, long batchId, OffsetRange range, int attempts, int failures, String topicId) {
  /** A task whose partition has no recorded topic ID (tests, ledgers before version 5). */
  public ClaimedTask(String job, long batchId, OffsetRange range, int attempts, int failures) {
    this(job, batchId, range, attempts, failures, null);
  }

  @Override
  public String toString() {
    return job + "/batch " + batchId + "/" + range;
  }
}
