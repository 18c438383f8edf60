package io.onceflow.ledger;

import io.onceflow.api.OnceflowException;

/** A planning transaction found another leader epoch: this driver must stop planning. */
public final class LostLeadershipException extends OnceflowException {
  private static final long serialVersionUID = 1L;

  public LostLeadershipException(String job, long epoch) {
    super("Driver of job '" + job + "' lost its leadership (epoch " + epoch + " is no longer current)");
  }
}
