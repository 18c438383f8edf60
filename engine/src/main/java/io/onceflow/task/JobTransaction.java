package io.onceflow.task;

import io.onceflow.api.Job;
import io.onceflow.api.OnceflowException;
import io.onceflow.api.Record;
import io.onceflow.api.RetriableException;
import io.onceflow.ledger.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * The engine's transaction as the job uses it, and the one verdict on how a call of {@code
 * process()} ended: used by a normal attempt, by each probe of {@link FailureIsolation} and by
 * {@link DeadLetterReplay} alike.
 *
 * <table>
 *   <caption>{@link #judge}: checked in this order</caption>
 *   <tr><th>what happened</th><th>verdict</th></tr>
 *   <tr><td>a {@link VirtualMachineError} ({@code OutOfMemoryError}, {@code StackOverflowError})
 *       anywhere in what the job threw</td><td>fatal: the worker stops and says why; the JVM may
 *       be in any state</td></tr>
 *   <tr><td>the task connection is broken</td><td>outage: retried, not counted</td></tr>
 *   <tr><td>the job ended the transaction or changed how it commits (a refused {@code
 *       Connection} method, SQL {@code COMMIT}/{@code ROLLBACK}, autocommit on)</td>
 *       <td>fatal, naming the job: nothing of the task was committed</td></tr>
 *   <tr><td>a {@link RetriableException}, or an error of the task connection with a retriable
 *       SQLState ({@link SqlErrors#isRetriableState})</td><td>outage</td></tr>
 *   <tr><td>a missing right, an undefined table or column (SQLState class {@code 42} but for a
 *       syntax error, class {@code 28})</td><td>fatal: no record is to blame</td></tr>
 *   <tr><td>anything else the job threw, {@code Exception} or {@code Error}; or it returned with
 *       the transaction aborted</td><td>a job failure: counted, then isolated</td></tr>
 * </table>
 *
 * <p>An I/O exception in the job's cause chain is a job failure, not an outage: a truncated Avro
 * or protobuf payload throws {@code EOFException} on every attempt.
 *
 * <p>Not thread-safe: the job's thread only.
 */
final class JobTransaction implements GuardedConnection.Observer {
  /** Bounds the errors remembered for one call: a job may swallow one per record. */
  private static final int MAX_RECORDED = 256;

  private final Connection raw;
  private final long txid;
  private final String jobClass;
  private final Connection guarded;
  private final Set<SQLException> recorded = Collections.newSetFromMap(new IdentityHashMap<>());
  private SQLException lastError;
  private String refusal;

  /**
   * @param txid the id of the engine's transaction on {@code raw}, taken at the fence
   */
  JobTransaction(Connection raw, long txid, String jobClass) {
    this.raw = raw;
    this.txid = txid;
    this.jobClass = jobClass;
    this.guarded = GuardedConnection.wrap(raw, this);
  }

  /** What the job's context hands out as the task connection. */
  Connection guarded() {
    return guarded;
  }

  long txid() {
    return txid;
  }

  String jobClass() {
    return jobClass;
  }

  @Override
  public void refused(String method) {
    if (refusal == null) {
      refusal = "Connection." + method + "()";
    }
  }

  @Override
  public void failed(SQLException error) {
    lastError = error;
    if (recorded.size() < MAX_RECORDED) {
      recorded.add(error);
    }
  }

  /**
   * Calls the job on {@code records} and judges how the call ended ({@link #judge}). A wrong call
   * of {@link TaskContextImpl#deadLetter} the job caught still fails the call.
   *
   * @return {@code null} when the call succeeded, or the job failure to count and isolate
   */
  Throwable call(Job<Object> job, List<Record<Object>> records, TaskContextImpl context,
      String where) {
    recorded.clear(); // each probe of a bisection is judged on its own errors
    lastError = null;
    Throwable thrown = null;
    try {
      job.process(records, context);
    } catch (Throwable t) { // an Error of the job is a job failure too, unless the JVM's (judge)
      thrown = t;
    }
    return judge(thrown != null ? thrown : context.misuse(), where);
  }

  /**
   * The verdict on one call of the job, given what it threw ({@code null} when it returned).
   *
   * @param where the call, for messages: "task &lt;task&gt;" or "the replay of &lt;records&gt;"
   * @return {@code null} when the call succeeded, or the job failure to count and isolate
   * @throws RetriableException for an outage
   * @throws OnceflowException when the worker must stop
   */
  private Throwable judge(Throwable thrown, String where) {
    VirtualMachineError fatal = find(thrown, VirtualMachineError.class);
    if (fatal != null) {
      throw new FatalJobException(
          "Job " + jobClass + " hit " + fatal + " in " + where + ". The worker stops: after a"
              + " JVM error the process may be in any state. Nothing of the task was committed;"
              + " it runs again when a worker starts. Give the worker more memory (-Xmx) or fix"
              + " the job.",
          thrown);
    }
    TransactionState state = transactionState();
    if (state == null) {
      Throwable cause = cause(thrown);
      throw new RetriableException(
          "The task connection of " + where + " failed while job " + jobClass + " ran: "
              + (cause == null ? "the connection is closed" : SqlErrors.rootMessage(cause)),
          cause);
    }
    String misuse = transactionControl(state);
    if (misuse != null) {
      throw new FatalJobException(
          "Job " + jobClass + " " + misuse + " in " + where + ". The task transaction belongs"
              + " to the engine, which commits the job's writes together with the task's"
              + " offsets: nothing of the task was committed, and the worker stops rather than"
              + " run the job again. Remove the commit, rollback or autocommit from the job;"
              + " throw an exception to roll a task back (savepoints are allowed).",
          cause(thrown));
    }
    Throwable failure = thrown != null ? thrown : abortedBy(state);
    if (failure == null) {
      return null;
    }
    if (isOutage(failure, state)) {
      throw new RetriableException(
          "An outage in " + where + " of job " + jobClass + " (retried, not counted as a"
              + " failure of the job): " + SqlErrors.rootMessage(outageCause(failure)),
          failure);
    }
    if (SqlErrors.isMissingRight(failure) || isUndefinedObject(failure)) {
      throw MissingRights.explain(jobClass, where, failure);
    }
    if (state == TransactionState.FAILED && lastError != null && !isInChain(failure, lastError)) {
      failure.addSuppressed(lastError); // the statement that aborted the transaction
    }
    return failure;
  }

  /** The error that aborted the transaction under a job that returned normally, if any. */
  private Throwable abortedBy(TransactionState state) {
    if (state != TransactionState.FAILED) {
      return null;
    }
    return new OnceflowException(
        "Job " + jobClass + " returned, but the task transaction is aborted: a statement of the"
            + " job failed and the job went on"
            + (lastError == null ? "" : " (" + SqlErrors.rootMessage(lastError).strip() + ")")
            + ". Rethrow the error to fail the records, or put a savepoint around a statement"
            + " that may fail and roll back to it (Connection.setSavepoint / rollback(savepoint)).",
        lastError);
  }

  /** What the job did to end or loosen the transaction, or null when nothing. */
  private String transactionControl(TransactionState state) {
    if (refusal != null) {
      return "called " + refusal;
    }
    for (SQLException e : recorded) {
      if ("OF001".equals(e.getSQLState())) {
        return "committed the task transaction itself (" + SqlErrors.rootMessage(e).strip() + ")";
      }
    }
    try {
      if (raw.getAutoCommit()) {
        return "switched the task connection to autocommit";
      }
    } catch (SQLException e) {
      return null; // broken: the caller's next statement says so
    }
    if (state == TransactionState.IDLE) {
      return "ended the task transaction (SQL COMMIT, END, ROLLBACK or PREPARE TRANSACTION)";
    }
    return null;
  }

  /** The connection's transaction state, or null when the connection is broken. */
  private TransactionState transactionState() {
    try {
      BaseConnection pg = raw.unwrap(BaseConnection.class);
      return pg.isClosed() ? null : pg.getTransactionState();
    } catch (SQLException e) {
      return null;
    }
  }

  private boolean isOutage(Throwable failure, TransactionState state) {
    if (find(failure, RetriableException.class) != null) {
      return true;
    }
    for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof SQLException sql && recorded.contains(sql) && isRetriable(sql)) {
        return true;
      }
    }
    return state == TransactionState.FAILED && lastError != null && isRetriable(lastError);
  }

  private Throwable outageCause(Throwable failure) {
    return lastError != null && isRetriable(lastError) ? lastError : failure;
  }

  private static boolean isRetriable(SQLException e) {
    return SqlErrors.isRetriableState(e.getSQLState());
  }

  /** SQLState class 42 but a syntax error (which a record's text can cause). */
  private static boolean isUndefinedObject(Throwable failure) {
    for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null
          && sql.getSQLState().startsWith("42") && !sql.getSQLState().equals("42601")) {
        return true;
      }
    }
    return false;
  }

  private Throwable cause(Throwable thrown) {
    return thrown != null ? thrown : lastError;
  }

  private static boolean isInChain(Throwable failure, Throwable wanted) {
    for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
      if (t == wanted) {
        return true;
      }
    }
    return false;
  }

  private static <T extends Throwable> T find(Throwable thrown, Class<T> type) {
    for (Throwable t = thrown; t != null && t.getCause() != t; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
