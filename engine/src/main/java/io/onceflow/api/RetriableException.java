package io.onceflow.api;

/** An error that may go away when the operation is tried again: a broker or database outage. */
public class RetriableException extends OnceflowException {
  private static final long serialVersionUID = 1L;

  public RetriableException(String message, Throwable cause) {
    super(message, cause, true);
  }
}
