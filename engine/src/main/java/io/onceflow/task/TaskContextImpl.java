package io.onceflow.task;

import io.onceflow.api.OffsetRange;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import io.onceflow.ledger.ClaimedTask;
import io.onceflow.ledger.DeadLetter;
import java.sql.Connection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The context of one task attempt; collects the dead letters the job names.
 *
 * <p>A record named twice, or one outside the task, is the job's mistake: {@link #deadLetter}
 * throws, and {@link #misuse()} keeps the first such mistake, so a job that catches the exception
 * still fails the call (a job failure of this task, never a worker stop).
 */
final class TaskContextImpl implements TaskContext {
  private final Connection connection;
  private final ClaimedTask task;
  private final List<DeadLetter> deadLetters;
  /** Offsets in {@link #deadLetters}; kept in step when a probe's dead letters are rolled back. */
  private final Set<Long> deadLettered = new HashSet<>();
  private IllegalArgumentException misuse;

  /** @param deadLetters the attempt's dead letters so far (undecodable records); added to here */
  TaskContextImpl(Connection connection, ClaimedTask task, List<DeadLetter> deadLetters) {
    this.connection = connection;
    this.task = task;
    this.deadLetters = deadLetters;
    deadLetters.forEach(d -> deadLettered.add(d.offset()));
  }

  @Override
  public Connection connection() {
    return connection;
  }

  @Override
  public OffsetRange range() {
    return task.range();
  }

  @Override
  public long batchId() {
    return task.batchId();
  }

  @Override
  public String jobName() {
    return task.job();
  }

  @Override
  public void deadLetter(Record<?> record, Throwable reason) {
    if (!range().contains(record.offset()) || record.partition() != range().partition()
        || !record.topic().equals(range().topic())) {
      throw misused("Record " + record + " is not part of this task's range " + range());
    }
    if (!deadLettered.add(record.offset())) {
      throw misused(
          "Record " + record.topic() + "-" + record.partition() + "@" + record.offset()
              + " is dead-lettered twice in task " + task + " (or it could not be deserialized"
              + " and is a dead letter already): name each record once");
    }
    deadLetters.add(
        DeadLetter.of(
            record.topic(),
            record.partition(),
            record.offset(),
            record.key(),
            record.rawValue(),
            record.headers(),
            reason));
  }

  private IllegalArgumentException misused(String message) {
    IllegalArgumentException e = new IllegalArgumentException(message);
    if (misuse == null) {
      misuse = e;
    }
    return e;
  }

  /** The first wrong call of {@link #deadLetter} since {@link #mark}, or null. */
  IllegalArgumentException misuse() {
    return misuse;
  }

  /** How many dead letters there are now: a point {@link #rollBackTo} can return to. */
  int mark() {
    misuse = null;
    return deadLetters.size();
  }

  /** Forgets the dead letters named since {@code mark}: their call was rolled back. */
  void rollBackTo(int mark) {
    List<DeadLetter> undone = deadLetters.subList(mark, deadLetters.size());
    undone.forEach(d -> deadLettered.remove(d.offset()));
    undone.clear();
  }
}
