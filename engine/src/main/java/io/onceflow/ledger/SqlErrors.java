package io.onceflow.ledger;

import io.onceflow.api.OnceflowException;
import io.onceflow.api.RetriableException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.SQLRecoverableException;

/**
 * The one place that decides whether a database error may go away on retry.
 *
 * <p>Retriable: connection problems (SQLState class {@code 08}), serialization failures ({@code
 * 40001}), deadlocks ({@code 40P01}), lock timeouts ({@code 55P03}), an administrator or a restart
 * ending the session ({@code 57P01}, {@code 57P02}, {@code 57P03}), and the session timeouts of
 * DESIGN §3 ({@code 25P03} idle-in-transaction, {@code 57014} statement cancelled). The whole cause
 * chain is walked, because drivers and pools wrap errors.
 */
public final class SqlErrors {
  private SqlErrors() {}

  public static boolean isRetriable(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof RetriableException) {
        return true;
      }
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql && isRetriableState(sql.getSQLState())) {
        return true;
      }
      if (t instanceof java.net.ConnectException || t instanceof java.io.EOFException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * A right the database user lacks ({@code 42501} insufficient privilege, class {@code 28}
   * invalid authorization). Not retriable, and not the fault of a record: no record is
   * dead-lettered for it; the worker stops and says which right is missing.
   */
  public static boolean isMissingRight(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().equals("42501") || sql.getSQLState().startsWith("28"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  public static boolean isRetriableState(String state) {
    if (state == null) {
      return false;
    }
    return state.startsWith("08")
        || state.equals("40001")
        || state.equals("40P01")
        || state.equals("55P03")
        || state.equals("57P01")
        || state.equals("57P02")
        || state.equals("57P03")
        || state.equals("25P03")
        || state.equals("57014");
  }

  /**
   * Rolls {@code c} back after {@code failure}. A rollback that fails too (the session is gone,
   * which is often why we are here; PostgreSQL rolls back then) is added to {@code failure} as
   * suppressed, never thrown in its place: the first error says what happened and whether a retry
   * can help. (A PostgreSQL restart once surfaced as "Connection is closed" from the rollback
   * instead of its retriable 57P01, and stopped a driver.)
   */
  public static void rollbackAfter(java.sql.Connection c, Throwable failure) {
    try {
      c.rollback();
    } catch (SQLException | RuntimeException rollbackFailed) {
      failure.addSuppressed(rollbackFailed);
    }
  }

  /** Wraps an error as retriable or fatal, naming the operation that failed. */
  public static OnceflowException classify(String operation, Throwable error) {
    if (error instanceof OnceflowException known && !(error.getCause() instanceof SQLException)) {
      return known;
    }
    String message = "Could not " + operation + ": " + rootMessage(error);
    return isRetriable(error)
        ? new RetriableException(message, error)
        : new OnceflowException(message, error);
  }

  public static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return root == error ? text : text + " (" + root.getClass().getSimpleName() + ")";
  }
}
