package io.onceflow.task;

import io.onceflow.api.Job;
import io.onceflow.api.OffsetRange;
import io.onceflow.api.PoisonRecordException;
import io.onceflow.api.Record;
import io.onceflow.config.PoisonPolicy;
import io.onceflow.crash.CrashPoint;
import io.onceflow.crash.CrashPoints;
import io.onceflow.job.RecordDecoder;
import io.onceflow.kafka.RangeRecords;
import io.onceflow.ledger.ClaimedTask;
import io.onceflow.ledger.Database;
import io.onceflow.ledger.DeadLetter;
import io.onceflow.ledger.DeadLetterStore;
import io.onceflow.ledger.GapStore;
import io.onceflow.ledger.OutboxStore;
import io.onceflow.ledger.SqlErrors;
import io.onceflow.ledger.TaskFence;
import io.onceflow.metrics.EngineMetrics;
import io.onceflow.task.TaskResult.Outcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * One attempt at one task: the commit protocol of DESIGN §3. The task's records are read before
 * the transaction opens, so the fence row is held only while the job writes.
 *
 * <table>
 *   <caption>Each step, what a crash there leaves, and why it is still exactly once</caption>
 *   <tr><th>step</th><th>if the process dies here</th><th>why it is still correct</th></tr>
 *   <tr><td>claimed, records read</td><td>nothing written; the lease runs out</td>
 *       <td>another worker claims the same planned range (I3, I4)</td></tr>
 *   <tr><td>BEGIN; fence {@code UPDATE offsets … WHERE until_offset = :from}</td>
 *       <td>PostgreSQL rolls the open transaction back when the session ends</td>
 *       <td>the offset did not move; the range is re-run whole (I1, I2)</td></tr>
 *   <tr><td>job writes through the task connection</td><td>rolled back with the fence</td>
 *       <td>no job write survives without its offsets (I2)</td></tr>
 *   <tr><td>dead letters, gaps and emitted records (the outbox) inserted, task row marked
 *       committed, guard</td><td>rolled back</td>
 *       <td>same transaction: all of it or none (I2)</td></tr>
 *   <tr><td>COMMIT sent, acknowledgement lost</td><td>committed or not, unknown</td>
 *       <td>the retry starts from BEGIN: its fence finds 0 rows and the committed task row, and
 *       backs off; or it moves the offset itself. Never both (I1, I2)</td></tr>
 *   <tr><td>after COMMIT</td><td>nothing left to do</td>
 *       <td>a re-claim of the range finds it committed (I2)</td></tr>
 * </table>
 *
 * <p>A second attempt at the same range (an expired lease, a paused worker that wakes up) blocks
 * on the fence's row lock, then sees 0 rows and rolls back. A paused attempt that still holds the
 * lock is ended by the session's {@code idle_in_transaction_session_timeout}.
 *
 * <p>What the job throws, or how it leaves the transaction, is judged by {@link JobTransaction}:
 * a job failure is counted ({@code tasks.failures}), an outage is retried uncounted, and a JVM
 * error or transaction control by the job stops the worker. After {@code worker.task.attempts}
 * job failures, the next attempt <em>isolates</em> the failing records ({@link
 * FailureIsolation}): under savepoints taken after the fence, it turns the records that fail alone
 * into dead letters and commits the rest with the offsets, atomically.
 *
 * <p>Under {@link PoisonPolicy#FAIL} the same isolation runs, but a record it names (or a record
 * that could not be deserialized, or one the job dead-letters itself) rolls the whole transaction
 * back instead, and the attempt ends {@link Outcome#POISONED} with an error naming the record: the
 * worker stops, the partition's offset does not move.
 *
 * <p>Not thread-safe: one per worker thread, like its job instance.
 */
final class TaskAttempt {
  private final Database database;
  private final Job<Object> job;
  private final RecordDecoder decoder;
  private final int maxAttempts;
  private final PoisonPolicy poisonPolicy;
  private final int maxPoisonPercent;
  private final int maxEmitBytes;
  private volatile Connection inFlight;
  private final EngineMetrics metrics;

  TaskAttempt(
      Database database,
      Job<Object> job,
      RecordDecoder decoder,
      int maxAttempts,
      PoisonPolicy poisonPolicy,
      int maxPoisonPercent,
      int maxEmitBytes,
      EngineMetrics metrics) {
    this.database = database;
    this.job = job;
    this.decoder = decoder;
    this.maxAttempts = maxAttempts;
    this.poisonPolicy = poisonPolicy;
    this.maxPoisonPercent = maxPoisonPercent;
    this.maxEmitBytes = maxEmitBytes;
    this.metrics = metrics;
  }

  /**
   * @param gaps offsets of the range Kafka had deleted, skipped by policy: recorded in {@code
   *     onceflow.gaps} in the task's transaction
   */
  TaskResult run(ClaimedTask task, RangeRecords raw, List<OffsetRange> gaps) {
    RecordDecoder.Decoded decoded = decoder.decode(raw);
    try (Connection c = database.connection()) {
      inFlight = c;
      c.setAutoCommit(false);
      try {
        TaskResult result = inTransaction(c, task, decoded, gaps);
        if (result.outcome() != Outcome.COMMITTED) {
          c.rollback();
        }
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        SqlErrors.rollbackAfter(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw SqlErrors.classify("run task " + task, e);
    } finally {
      inFlight = null;
    }
  }

  /**
   * From another thread (a stopping pool, or the lease keeper past {@code
   * worker.task.timeout.ms}): ends the transaction in flight, if any. PostgreSQL rolls it back;
   * the attempt's thread sees an error and gives the task back.
   *
   * <p>First the running statement is cancelled (a cancel request on a connection of its own):
   * closing the socket alone leaves a backend that is busy in a statement ({@code pg_sleep}, a
   * lock wait) running until the statement ends, holding the fence's row lock, so every next
   * attempt at the partition would wait on it. Cancelled, the backend reads its socket again and
   * ends the session when the abort closes it.
   */
  void abortInFlight() {
    Connection c = inFlight;
    if (c != null) {
      try {
        c.unwrap(PGConnection.class).cancelQuery();
      } catch (SQLException | RuntimeException e) {
        // Not running a statement, or already closed: the abort below is enough.
      }
      try {
        c.abort(Runnable::run);
      } catch (SQLException | RuntimeException e) {
        // Already closed or broken: nothing of it can commit either way.
      }
    }
  }

  private TaskResult inTransaction(
      Connection c, ClaimedTask task, RecordDecoder.Decoded decoded, List<OffsetRange> gaps)
      throws SQLException {
    long fencedTxid = TaskFence.fence(c, task);
    if (fencedTxid < 0) {
      c.rollback();
      return TaskResult.of(
          switch (TaskFence.classifyMiss(c, task)) {
            case ALREADY_COMMITTED -> Outcome.ALREADY_COMMITTED;
            case NOT_HEAD -> Outcome.NOT_HEAD;
          });
    }
    CrashPoints.reach(CrashPoint.WORKER_FENCED);

    List<DeadLetter> deadLetters = new ArrayList<>();
    for (RecordDecoder.Failure f : decoded.failures()) {
      Record<byte[]> r = f.record();
      deadLetters.add(
          DeadLetter.of(
              r.topic(), r.partition(), r.offset(), r.key(), r.rawValue(), r.headers(), f.error()));
    }
    if (poisonPolicy == PoisonPolicy.FAIL && !deadLetters.isEmpty()) {
      return poisoned(task, deadLetters); // undecodable: no attempt of the job can help
    }
    JobTransaction transaction = new JobTransaction(c, fencedTxid, job.getClass().getName());
    TaskContextImpl context = new TaskContextImpl(transaction.guarded(), task, deadLetters, maxEmitBytes);
    List<Record<Object>> records = decoded.records();
    if (task.failures() >= maxAttempts) {
      new FailureIsolation(c, job, context, transaction, deadLetters, maxPoisonPercent)
          .process(records);
    } else {
      Throwable failure = transaction.call(job, records, context, "task " + task);
      if (failure != null) {
        return new TaskResult(Outcome.JOB_FAILED, 0, 0, failure);
      }
    }
    CrashPoints.reach(CrashPoint.WORKER_JOB_WRITTEN);
    if (poisonPolicy == PoisonPolicy.FAIL && !deadLetters.isEmpty()) {
      return poisoned(task, deadLetters);
    }

    DeadLetterStore.insert(c, task, deadLetters);
    GapStore.insert(c, task, gaps);
    OutboxStore.append(c, task, context.emitted()); // published by the relay once this commits
    CrashPoints.reach(CrashPoint.WORKER_DEAD_LETTERS_WRITTEN);
    int applied = decoded.records().size() + decoded.failures().size() - deadLetters.size();
    TaskFence.Guard guard =
        TaskFence.markCommittedUnderFence(c, task, fencedTxid, applied, deadLetters.size());
    if (guard != TaskFence.Guard.HOLDS) {
      throw new FatalJobException(
          "Job " + job.getClass().getName() + " "
              + (guard == TaskFence.Guard.OTHER_TRANSACTION
                  ? "ended the task transaction of " + task + " (SQL COMMIT, END or ROLLBACK)"
                      + " and wrote on in another one"
                  : "rolled task " + task + " back past its fence")
              + ". Nothing of the task was committed, and the worker stops rather than run the"
              + " job again. Do not end the task transaction in a job: throw an exception to roll"
              + " a task back.",
          null);
    }
    CrashPoints.reach(CrashPoint.WORKER_BEFORE_COMMIT);
    long commitStarted = System.nanoTime();
    c.commit();
    metrics.taskCommitTime(System.nanoTime() - commitStarted);
    CrashPoints.reach(CrashPoint.WORKER_COMMITTED);
    return new TaskResult(Outcome.COMMITTED, applied, deadLetters.size(), null);
  }

  /** The attempt's end under {@code job.poison.policy=fail}; the caller rolls back. */
  private static TaskResult poisoned(ClaimedTask task, List<DeadLetter> deadLetters) {
    DeadLetter first =
        deadLetters.stream().min(java.util.Comparator.comparingLong(DeadLetter::offset)).get();
    return new TaskResult(
        Outcome.POISONED,
        0,
        0,
        new PoisonRecordException(
            first.topic(),
            first.partition(),
            first.offset(),
            task.toString(),
            first.errorClass(),
            first.errorMessage()));
  }
}
