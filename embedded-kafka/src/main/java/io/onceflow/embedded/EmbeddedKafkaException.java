package io.onceflow.embedded;

/**
 * The embedded broker could not be found, formatted, started or stopped. Messages say which step
 * failed and, when a process ran, end with the last lines of its log.
 */
public final class EmbeddedKafkaException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public EmbeddedKafkaException(String message) {
    super(message);
  }

  public EmbeddedKafkaException(String message, Throwable cause) {
    super(message, cause);
  }
}
