package io.onceflow.ledger;

import io.onceflow.api.OffsetRange;

/**
 * A task this worker holds a lease on.
 *
 * @param attempts how many times the task has been claimed, this claim included
 * @param failures how many attempts before this one the job failed on: what {@code
 *     worker.task.attempts} counts (a claim after an outage, a lost lease or a stopping worker is
 *     an attempt, not a failure)
 */
public record ClaimedTask(String job, long batchId, OffsetRange range, int attempts, int failures) {
  @Override
  public String toString() {
    return job + "/batch " + batchId + "/" + range;
  }
}
