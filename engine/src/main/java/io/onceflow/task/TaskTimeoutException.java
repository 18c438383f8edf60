package io.onceflow.task;

import io.onceflow.api.OnceflowException;
import io.onceflow.ledger.ClaimedTask;

/** An attempt at a task aborted because it ran past {@code worker.task.timeout.ms}. */
final class TaskTimeoutException extends OnceflowException {
  TaskTimeoutException(ClaimedTask task, long timeoutMs, Throwable cause) {
    super("Task " + task + " was aborted after worker.task.timeout.ms=" + timeoutMs + " ms: the job"
        + " did not return in time (a call without a timeout, a lock or a deadlock in the job?)."
        + " Give the job's slow calls their own timeouts, or raise worker.task.timeout.ms"
        + (cause == null ? "" : "; the aborted attempt ended with: " + cause), cause);
  }
}
