package io.onceflow.task;

import io.onceflow.api.Job;
import io.onceflow.api.OffsetRange;
import io.onceflow.api.OnceflowException;
import io.onceflow.api.Record;
import io.onceflow.config.OnceflowConfig;
import io.onceflow.job.RecordDecoder;
import io.onceflow.ledger.ClaimedTask;
import io.onceflow.ledger.OutboxStore;
import io.onceflow.ledger.Database;
import io.onceflow.ledger.DeadLetter;
import io.onceflow.ledger.DeadLetters;
import io.onceflow.ledger.SqlErrors;
import io.onceflow.ledger.StoredDeadLetter;
import io.onceflow.ledger.TaskFence;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Runs chosen dead letters through the job again (after a fix of the job, say) and deletes them
 * from {@code onceflow.dead_letters}, all in <b>one</b> transaction: a replayed record is applied
 * exactly once.
 *
 * <table>
 *   <caption>What can go wrong, and what it leaves</caption>
 *   <tr><th>event</th><th>result</th></tr>
 *   <tr><td>a chosen id does not exist (never did, or replayed already)</td>
 *       <td>nothing is replayed; the error names the ids</td></tr>
 *   <tr><td>the value still cannot be deserialized, the job throws, or it dead-letters the record
 *       again</td><td>rolled back: the job's writes vanish, the dead letters stay; the error names
 *       the record and the exception</td></tr>
 *   <tr><td>the process dies before COMMIT</td><td>PostgreSQL rolls back: as if never run</td></tr>
 *   <tr><td>the job ends the transaction itself (SQL {@code COMMIT}, a refused {@code
 *       Connection} method)</td><td>refused (the ledger's commit guard, migration V4): nothing
 *       changes, the error names the job</td></tr>
 *   <tr><td>two replays of the same rows at once</td><td>the second waits on the row locks, then
 *       finds the rows gone and replays nothing</td></tr>
 * </table>
 *
 * <p>The job sees one call of {@link Job#process} per (topic, partition, batch) of the chosen
 * records, with a context whose range spans them and whose batch is the one that dead-lettered
 * them. The job's poison policy does not apply: a replay either applies every chosen record or
 * none.
 */
public final class DeadLetterReplay {
  private final OnceflowConfig config;
  private final Database database;
  private final Supplier<Job<?>> jobFactory;

  public DeadLetterReplay(OnceflowConfig config, Database database, Supplier<Job<?>> jobFactory) {
    this.config = config;
    this.database = database;
    this.jobFactory = jobFactory;
  }

  /** What a successful replay applied. */
  public record Result(List<StoredDeadLetter> replayed) {}

  /**
   * Replays the dead letters with these ids, or every dead letter of the job when {@code ids} is
   * empty.
   *
   * @throws OnceflowException when anything fails; nothing has changed then
   */
  @SuppressWarnings("unchecked")
  public Result replay(Collection<Long> ids) {
    Job<Object> job = (Job<Object>) jobFactory.get();
    try {
      try (ThreadJobSetup setup = new ThreadJobSetup(config.jobName(), config.jobParams(), database)) {
        job.open(setup);
      }
      return inTransaction(job, ids);
    } catch (OnceflowException e) {
      throw e;
    } catch (Exception e) {
      throw new OnceflowException(
          "Replay failed: the job " + config.jobClass() + " could not be opened: " + e, e);
    } finally {
      try {
        job.close();
      } catch (Exception ignored) {
        // the replay's outcome is decided; a failing close() changes nothing
      }
    }
  }

  private Result inTransaction(Job<Object> job, Collection<Long> ids) throws SQLException {
    try (Connection c = database.connection()) {
      c.setAutoCommit(false);
      try {
        long txid = TaskFence.guard(c);
        List<StoredDeadLetter> rows = DeadLetters.take(c, config.jobName(), ids);
        requireAllFound(ids, rows);
        JobTransaction transaction = new JobTransaction(c, txid, job.getClass().getName());
        for (List<StoredDeadLetter> group : groups(rows)) {
          process(c, transaction, job, group);
        }
        if (!TaskFence.authorizeCommit(c, txid)) {
          throw new FatalJobException(
              "Replay failed: job " + job.getClass().getName() + " ended the replay's"
                  + " transaction (SQL COMMIT, END or ROLLBACK) and wrote on in another one."
                  + " Nothing changed: the dead letters stay. Do not end the transaction in a"
                  + " job.",
              null);
        }
        c.commit();
        return new Result(rows);
      } catch (SQLException | RuntimeException e) {
        SqlErrors.rollbackAfter(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw SqlErrors.classify("replay dead letters of job '" + config.jobName() + "'", e);
    }
  }

  private void requireAllFound(Collection<Long> ids, List<StoredDeadLetter> rows) {
    if (ids.isEmpty()) {
      if (rows.isEmpty()) {
        throw new OnceflowException("Job '" + config.jobName() + "' has no dead letters to replay.");
      }
      return;
    }
    Set<Long> missing = new TreeSet<>(ids);
    rows.forEach(r -> missing.remove(r.id()));
    if (!missing.isEmpty()) {
      throw new OnceflowException(
          "Dead letter(s) " + missing + " of job '" + config.jobName() + "' do not exist (replayed"
              + " already?). Nothing was replayed; `onceflow dead-letters list` shows what is there.");
    }
  }

  private static Collection<List<StoredDeadLetter>> groups(List<StoredDeadLetter> rows) {
    Map<String, List<StoredDeadLetter>> groups = new LinkedHashMap<>();
    for (StoredDeadLetter r : rows) {
      groups.computeIfAbsent(r.topic() + "\u0000" + r.partition() + "\u0000" + r.batchId(),
          k -> new ArrayList<>()).add(r);
    }
    return groups.values();
  }

  private void process(Connection c, JobTransaction transaction, Job<Object> job,
      List<StoredDeadLetter> group) throws SQLException {
    StoredDeadLetter first = group.get(0);
    StoredDeadLetter last = group.get(group.size() - 1);
    OffsetRange range = new OffsetRange(first.topic(), first.partition(), first.offset(), last.offset() + 1);
    ClaimedTask task = new ClaimedTask(config.jobName(), first.batchId(), range, first.attempts(), 0);
    List<DeadLetter> again = new ArrayList<>();
    TaskContextImpl context = new TaskContextImpl(transaction.guarded(), task, again, config.outboxMaxRecordBytes());
    RecordDecoder decoder = new RecordDecoder(config.valueFormat());
    List<Record<Object>> records = new ArrayList<>(group.size());
    for (StoredDeadLetter d : group) {
      try {
        records.add(new Record<>(d.topic(), d.partition(), d.offset(), -1L, d.key(), d.value(),
            d.headers(), decoder.decodeValue(d.value())));
      } catch (Exception e) {
        throw failed(List.of(d), "its value still cannot be deserialized as " + config.valueFormat(), e);
      }
    }
    String names = names(group);
    Throwable failure;
    try {
      failure = transaction.call(job, records, context, "the replay of " + names);
    } catch (OnceflowException e) {
      throw new OnceflowException(
          "Replay failed: " + e.getMessage() + " Nothing changed: the dead letters stay.", e);
    }
    if (failure != null) {
      throw failed(group, "the job threw", failure);
    }
    if (!again.isEmpty()) {
      DeadLetter d = again.get(0);
      throw new OnceflowException(
          "Replay failed: the job dead-lettered " + d.topic() + "-" + d.partition() + "@" + d.offset()
              + " again (" + d.errorClass() + ": " + d.errorMessage() + "). Nothing changed: the"
              + " dead letters stay.");
    }
    OutboxStore.append(c, task, context.emitted()); // what the replayed records emit commits with them
  }

  private static String names(List<StoredDeadLetter> records) {
    return records.stream().map(r -> "#" + r.id() + " " + r.recordName()).collect(Collectors.joining(", "));
  }

  private static OnceflowException failed(List<StoredDeadLetter> records, String what, Throwable e) {
    return new OnceflowException(
        "Replay failed on " + names(records) + ": " + what + ": " + e + ". Nothing changed: the dead"
            + " letters stay.",
        e);
  }
}
