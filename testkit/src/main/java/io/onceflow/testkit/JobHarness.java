package io.onceflow.testkit;

import io.onceflow.api.Job;
import io.onceflow.api.JobSetup;
import io.onceflow.api.OffsetRange;
import io.onceflow.api.OutputRecord;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a job on records you build, inside a real PostgreSQL transaction, without Kafka or the
 * engine: fast tests of a job's SQL. Each {@link #process} call is one task: committed when the
 * job returns, rolled back when it throws (as the engine does). {@link #processAndRollBack} runs
 * one and rolls it back, as a crash before COMMIT would, to test that a replay counts once. Two
 * harnesses opened on one database with the same parameters stand for two worker threads of one
 * job (each with its own instance, as the engine makes them), taking turns.
 *
 * <pre>{@code
 * try (JobHarness<byte[]> harness = JobHarness.open(new AggJob(), db, Map.of("table", "totals"))) {
 *   harness.process(TestRecords.bytes("events", 0, 0, value1, value2));
 * }
 * }</pre>
 *
 * <p>What the harness does not do: ledger offsets, fences, retries, isolation of poison records.
 * For those, run the job on the engine with {@link JobUnderTest}.
 */
public final class JobHarness<V> implements AutoCloseable {
  private final Job<V> job;
  private final TestDatabase database;
  private final String jobName;
  private long batch;

  private JobHarness(Job<V> job, TestDatabase database, String jobName) {
    this.job = job;
    this.database = database;
    this.jobName = jobName;
  }

  /** Opens the job (its {@code open()} runs with {@code params} as its job parameters). */
  public static <V> JobHarness<V> open(Job<V> job, TestDatabase database, Map<String, String> params)
      throws Exception {
    JobHarness<V> harness = new JobHarness<>(job, database, "harness");
    try (Connection setup = database.connect()) {
      job.open(
          new JobSetup() {
            @Override
            public String jobName() {
              return harness.jobName;
            }

            @Override
            public Map<String, String> params() {
              return params;
            }

            @Override
            public Connection setupConnection() {
              return setup;
            }
          });
    }
    return harness;
  }

  /** What one task did: the records the job named as dead letters. */
  /**
   * What the job did in one task.
   *
   * @param emitted the records the job emitted ({@code TaskContext.emit}), in order: what the
   *     engine's outbox relay would publish once the task commits
   */
  public record Result(
      List<Record<?>> deadLetters, List<Throwable> reasons, List<OutputRecord> emitted) {}

  /**
   * Runs one task on {@code records} (all of one topic-partition, in offset order) and commits;
   * rethrows the job's exception after rolling back.
   */
  public Result process(List<Record<V>> records) throws Exception {
    return runTask(records, null);
  }

  /**
   * Runs one task on {@code records} and rolls it back, as a crash before COMMIT would; rethrows
   * the job's exception after rolling back.
   *
   * <p>Why: the engine replays a task whose transaction never committed, so a job must leave
   * nothing behind that a replay would count again (state kept in fields, writes outside the task's
   * connection). Call this, then {@link #process} on the same records, and check they count once.
   *
   * @return what the job did in the lost attempt (its dead letters were rolled back with it)
   */
  public Result processAndRollBack(List<Record<V>> records) throws Exception {
    return processAndRollBack(records, task -> {});
  }

  /**
   * Like {@link #processAndRollBack(List)}, with a look at the task's transaction just before the
   * rollback: {@code beforeRollBack} receives the task's connection, holding the job's uncommitted
   * writes. Why: a test that the rollback leaves nothing proves little unless the job had written
   * something; check that here. Not run when the job throws. An exception the check throws rolls
   * the task back too and is rethrown.
   */
  public Result processAndRollBack(List<Record<V>> records, TaskCheck beforeRollBack)
      throws Exception {
    return runTask(records, beforeRollBack);
  }

  /** A look at a task's open transaction; see {@link #processAndRollBack(List, TaskCheck)}. */
  @FunctionalInterface
  public interface TaskCheck {
    /** Runs on the task's connection; do not commit, roll back or close it. */
    void check(Connection task) throws Exception;
  }

  /** One task: commits when {@code beforeRollBack} is null, else runs it and rolls back. */
  private Result runTask(List<Record<V>> records, TaskCheck beforeRollBack) throws Exception {
    OffsetRange range = rangeOf(records);
    List<Record<?>> dead = new ArrayList<>();
    List<Throwable> reasons = new ArrayList<>();
    List<OutputRecord> emitted = new ArrayList<>();
    try (Connection c = database.connect()) {
      c.setAutoCommit(false);
      long batchId = ++batch;
      TaskContext context =
          new TaskContext() {
            @Override
            public Connection connection() {
              return c;
            }

            @Override
            public OffsetRange range() {
              return range;
            }

            @Override
            public long batchId() {
              return batchId;
            }

            @Override
            public String jobName() {
              return jobName;
            }

            @Override
            public void deadLetter(Record<?> record, Throwable reason) {
              dead.add(record);
              reasons.add(reason);
            }

            @Override
            public void emit(OutputRecord record) {
              emitted.add(record);
            }
          };
      try {
        job.process(records, context);
        if (beforeRollBack == null) {
          c.commit();
        } else {
          beforeRollBack.check(c);
          c.rollback();
        }
      } catch (Exception | Error e) {
        c.rollback();
        throw e;
      }
    }
    return new Result(dead, reasons, emitted);
  }

  private static OffsetRange rangeOf(List<? extends Record<?>> records) {
    if (records.isEmpty()) {
      return new OffsetRange("harness", 0, 0, 0);
    }
    Record<?> first = records.get(0);
    Record<?> last = records.get(records.size() - 1);
    for (Record<?> r : records) {
      if (!r.topic().equals(first.topic()) || r.partition() != first.partition()) {
        throw new IllegalArgumentException(
            "A task holds records of one partition; got " + first + " and " + r);
      }
    }
    return new OffsetRange(first.topic(), first.partition(), first.offset(), last.offset() + 1);
  }

  @Override
  public void close() throws Exception {
    job.close();
  }

  /** Convenience for assertions: one query's first column as a long. */
  public long queryLong(String sql) throws SQLException {
    try (Connection c = database.connect();
        var s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
