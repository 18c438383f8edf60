package io.onceflow.examples;

/**
 * A record value that is not a workload event: not JSON, or without a string {@code user} and an
 * integer {@code amount}. The example jobs dead-letter such a record instead of failing the task,
 * and this is the reason stored with it.
 */
public final class InvalidEventException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  InvalidEventException(String message) {
    super(message);
  }

  InvalidEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
