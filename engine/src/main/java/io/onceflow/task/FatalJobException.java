package io.onceflow.task;

import io.onceflow.api.OnceflowException;

/**
 * A verdict of {@link JobTransaction} that stops the worker: a JVM error, transaction control by
 * the job, a missing right or table, a mass failure. Never retried, whatever its cause chain
 * holds (a mass failure of records that all throw {@code EOFException} is not an outage).
 */
final class FatalJobException extends OnceflowException {
  private static final long serialVersionUID = 1L;

  FatalJobException(String message, Throwable cause) {
    super(message, cause);
  }
}
