package io.onceflow.task;

import io.onceflow.api.OnceflowException;
import io.onceflow.ledger.SqlErrors;

/**
 * The error a worker stops with when the database refuses the job a right (writing its sink
 * table, creating it) or does not know a table or column the job names (SQLState class {@code
 * 42}: dropped or renamed under a running job): that is not a poison record, so nothing is
 * retried, bisected or dead-lettered — every record would fail the same way.
 */
final class MissingRights {
  private MissingRights() {}

  static boolean in(Throwable error) {
    return SqlErrors.isMissingRight(error);
  }

  /** @param where what the job was doing: "open()", or "task <task>" */
  static OnceflowException explain(String jobClass, String where, Throwable error) {
    return new FatalJobException(
        "The database refused job " + jobClass + " in " + where + ": "
            + SqlErrors.rootMessage(error) + ". A missing right, table or column is not a bad"
            + " record: nothing is retried or dead-lettered, and nothing of it was committed."
            + " Grant the database user of postgres.url / postgres.user the rights the job needs"
            + " on its tables (GRANT SELECT, INSERT, UPDATE ON <table> TO <user>), or restore"
            + " the table or column the job writes, and start the worker again.",
        error);
  }
}
