package io.onceflow.ledger;

import io.onceflow.api.OffsetRange;

/**
 * A task this worker holds a lease on.
 *
 * @param attempts how many times the task has been claimed, this claim included
 */
public record ClaimedTask(String job, long batchId, OffsetRange range, int attempts) {
  @Override
  public String toString() {
    return job + "/batch " + batchId + "/" + range;
  }
}
