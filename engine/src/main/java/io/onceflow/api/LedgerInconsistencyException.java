package io.onceflow.api;

/**
 * The ledger holds a state the protocol can never produce (an offset between a task's bounds, a
 * range committed without its task row). The engine stops rather than guess.
 */
public class LedgerInconsistencyException extends OnceflowException {
  private static final long serialVersionUID = 1L;

  public LedgerInconsistencyException(String message) {
    super(message);
  }
}
