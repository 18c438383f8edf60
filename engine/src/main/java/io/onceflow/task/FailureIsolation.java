package io.onceflow.task;

import io.onceflow.api.Job;
import io.onceflow.api.OnceflowException;
import io.onceflow.api.Record;
import io.onceflow.ledger.DeadLetter;
import io.onceflow.ledger.SqlErrors;
import io.onceflow.ledger.TaskFence;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the records that make a job fail, all inside the task transaction and after its fence (a
 * savepoint before the fence could roll the fence back and commit writes without offsets; DESIGN
 * §3), and applies the rest in <b>one</b> call of the job, in record order: what commits is what
 * {@code process(good records)} writes, as if the bad ones had never been in the range.
 *
 * <p>Each probe calls the job on a prefix of the remaining records under a savepoint and rolls it
 * back, whatever the outcome; only the final call on all remaining records is kept. So at most
 * one savepoint is open at a time and at most one released subtransaction is left in the task's
 * transaction: PostgreSQL caches 64 subtransaction ids per backend, and past that every snapshot
 * of every session in the cluster has to look subtransactions up on disk.
 *
 * <p>A bad record is the last of the shortest failing prefix, found by binary search between the
 * longest prefix known to succeed and the whole remaining list: with b bad records in n, about
 * b·log2(n) probes, each on up to n records.
 *
 * <p>A mass failure is not a set of poison records: when at least {@value #MASS_FAILURE_FLOOR}
 * records have failed alone and they are more than {@code job.poison.max.percent} of the records
 * examined so far, the attempt stops with a {@link FatalJobException} (nothing commits).
 */
final class FailureIsolation {
  /** Fewer records failing alone than this are never a mass failure. */
  static final int MASS_FAILURE_FLOOR = 10;

  private final Connection connection;
  private final Job<Object> job;
  private final TaskContextImpl context;
  private final JobTransaction transaction;
  private final List<DeadLetter> deadLetters;
  private final int maxPercent;

  FailureIsolation(
      Connection connection,
      Job<Object> job,
      TaskContextImpl context,
      JobTransaction transaction,
      List<DeadLetter> deadLetters,
      int maxPercent) {
    this.connection = connection;
    this.job = job;
    this.context = context;
    this.transaction = transaction;
    this.deadLetters = deadLetters;
    this.maxPercent = maxPercent;
  }

  void process(List<Record<Object>> records) throws SQLException {
    List<Record<Object>> remaining = new ArrayList<>(records);
    int knownGood = 0; // remaining.subList(0, knownGood) succeeds
    int failedAlone = 0;
    while (true) {
      Throwable failure = probe(remaining, remaining.size(), true);
      if (failure == null) {
        return;
      }
      if (remaining.isEmpty()) {
        throw new OnceflowException(
            "Job " + transaction.jobClass() + " fails on task " + context.range()
                + " with no records left to isolate: " + failure,
            failure);
      }
      int good = Math.min(knownGood, remaining.size() - 1); // less only for a flaky job
      int bad = remaining.size(); // the shortest failing prefix is at most this long
      while (bad - good > 1) {
        int middle = (good + bad) >>> 1;
        Throwable probed = probe(remaining, middle, false);
        if (probed == null) {
          good = middle;
        } else {
          bad = middle;
          failure = probed;
        }
      }
      Record<Object> record = remaining.remove(bad - 1);
      deadLetters.add(
          DeadLetter.of(record.topic(), record.partition(), record.offset(), record.key(),
              record.rawValue(), record.headers(), failure));
      failedAlone++;
      knownGood = good;
      requireNoMassFailure(failedAlone, knownGood + failedAlone, failure);
    }
  }

  /**
   * Calls the job on the first {@code length} records under a savepoint.
   *
   * @param keep release the savepoint when the call succeeds (the final call); otherwise the
   *     call is always rolled back
   * @return null when the call succeeded, or its job failure
   */
  private Throwable probe(List<Record<Object>> records, int length, boolean keep)
      throws SQLException {
    Savepoint savepoint = connection.setSavepoint();
    TaskContextImpl.Mark mark = context.mark();
    Throwable failure =
        transaction.call(job, records.subList(0, length), context, "task " + context.range());
    boolean release = failure == null && keep;
    try {
      if (release) {
        connection.releaseSavepoint(savepoint);
      } else {
        connection.rollback(savepoint);
      }
    } catch (SQLException e) {
      throw savepointLost(e);
    }
    if (!release) {
      context.rollBackTo(mark); // dead letters and emits of a rolled-back call go with it
    }
    return failure;
  }

  /**
   * Why a probe's savepoint could not be ended: an outage (rethrown as it is), or the job ended
   * or rolled back past it with SQL (the judge saw the transaction still open), which is
   * transaction control by the job.
   */
  private SQLException savepointLost(SQLException e) {
    if (SqlErrors.isRetriableState(e.getSQLState())) {
      return e;
    }
    boolean sameTransaction;
    try {
      sameTransaction = TaskFence.currentTransaction(connection) == transaction.txid();
    } catch (SQLException broken) {
      e.addSuppressed(broken);
      return e;
    }
    throw new FatalJobException(
        "Job " + transaction.jobClass() + (sameTransaction
            ? " released or rolled back the engine's savepoint in task " + context.range() + " ("
                + e.getMessage() + "): roll back only to savepoints the job took itself."
            : " ended the task transaction of " + context.range() + " with SQL (COMMIT, END or"
                + " ROLLBACK). Throw an exception to roll a task back.")
            + " Nothing of the task was committed; the worker stops.",
        e);
  }

  private void requireNoMassFailure(int failedAlone, int examined, Throwable last) {
    if (failedAlone >= MASS_FAILURE_FLOOR && failedAlone * 100L > (long) maxPercent * examined) {
      throw new FatalJobException(
          "Job " + transaction.jobClass() + " failed on " + failedAlone + " of the first "
              + examined + " records of task " + context.range() + " one by one: more than"
              + " job.poison.max.percent=" + maxPercent + "%. That is a mass failure (a dropped or"
              + " renamed table or column, a bad deploy), not poison records, so nothing is"
              + " dead-lettered and nothing of the task was committed; the worker stops. The"
              + " last error: " + SqlErrors.rootMessage(last) + ". Fix the cause and start the"
              + " worker again (or raise job.poison.max.percent if such failures are expected).",
          last);
    }
  }
}
