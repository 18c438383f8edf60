package io.onceflow.api;

/**
 * The root of the engine's errors. Unchecked; {@link #isRetriable()} tells whether the same
 * operation may succeed if tried again (a broker or database that went away).
 */
public class OnceflowException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retriable;

  public OnceflowException(String message) {
    this(message, null, false);
  }

  public OnceflowException(String message, Throwable cause) {
    this(message, cause, false);
  }

  protected OnceflowException(String message, Throwable cause, boolean retriable) {
    super(message, cause);
    this.retriable = retriable;
  }

  public boolean isRetriable() {
    return retriable;
  }
}
