package io.onceflow.task;

import io.onceflow.api.Job;
import io.onceflow.api.OnceflowException;
import io.onceflow.api.Record;
import io.onceflow.ledger.DeadLetter;
import io.onceflow.ledger.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;

/**
 * Finds the records that make a job fail by bisecting the task's records under savepoints, all
 * inside the task transaction and after its fence (a savepoint before the fence could roll the
 * fence back and commit writes without offsets; DESIGN §3).
 *
 * <p>Every sub-list that succeeds keeps its writes; a single record that fails alone becomes a
 * dead letter. One bad record in n costs about log2(n) extra calls of the job, on halves of
 * shrinking size (about 2n extra records processed), not n calls.
 */
final class FailureIsolation {
  private final Connection connection;
  private final Job<Object> job;
  private final TaskContextImpl context;
  private final List<DeadLetter> deadLetters;
  private Exception lastFailure;

  FailureIsolation(
      Connection connection, Job<Object> job, TaskContextImpl context, List<DeadLetter> deadLetters) {
    this.connection = connection;
    this.job = job;
    this.context = context;
    this.deadLetters = deadLetters;
  }

  void process(List<Record<Object>> records) throws SQLException {
    if (records.isEmpty()) {
      if (!tryProcess(records)) {
        throw new OnceflowException(
            "Job fails on task " + context.range() + " with no records to isolate: " + lastFailure,
            lastFailure);
      }
      return;
    }
    bisect(records);
  }

  private void bisect(List<Record<Object>> records) throws SQLException {
    if (tryProcess(records)) {
      return;
    }
    if (records.size() == 1) {
      Record<Object> bad = records.get(0);
      deadLetters.add(
          DeadLetter.of(
              bad.topic(), bad.partition(), bad.offset(), bad.key(), bad.rawValue(),
              bad.headers(), lastFailure));
      return;
    }
    int middle = records.size() / 2;
    bisect(records.subList(0, middle));
    bisect(records.subList(middle, records.size()));
  }

  private boolean tryProcess(List<Record<Object>> records) throws SQLException {
    Savepoint savepoint = connection.setSavepoint();
    int deadLettersBefore = deadLetters.size();
    try {
      job.process(records, context);
      connection.releaseSavepoint(savepoint);
      return true;
    } catch (Exception e) {
      if (SqlErrors.isRetriable(e)) {
        throw SqlErrors.classify("write the results of task " + context.range(), e);
      }
      if (MissingRights.in(e)) {
        throw MissingRights.explain(job.getClass().getName(), "task " + context.range(), e);
      }
      connection.rollback(savepoint);
      // Dead letters the job named inside the rolled-back call are rolled back with it.
      deadLetters.subList(deadLettersBefore, deadLetters.size()).clear();
      lastFailure = e;
      return false;
    }
  }
}
