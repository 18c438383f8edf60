package io.onceflow.task;

import io.onceflow.api.OnceflowException;
import io.onceflow.ledger.SqlErrors;

/**
 * The error a worker stops with when the database refuses the job a right (writing its sink
 * table, creating it): a permission problem is not a poison record, so nothing is retried,
 * bisected or dead-lettered — every record would fail the same way.
 */
final class MissingRights {
  private MissingRights() {}

  static boolean in(Throwable error) {
    return SqlErrors.isMissingRight(error);
  }

  /** @param where what the job was doing: "open()", or "task <task>" */
  static OnceflowException explain(String jobClass, String where, Throwable error) {
    return new OnceflowException(
        "The database refused job " + jobClass + " a right in " + where + ": "
            + SqlErrors.rootMessage(error) + ". Nothing of it was committed. Grant the database"
            + " user of postgres.url / postgres.user the rights the job needs on its tables"
            + " (GRANT SELECT, INSERT, UPDATE ON <table> TO <user>) and start the worker again.",
        error);
  }
}
