package io.onceflow.task;

import io.onceflow.api.OffsetRange;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import io.onceflow.ledger.ClaimedTask;
import io.onceflow.ledger.DeadLetter;
import java.sql.Connection;
import java.util.List;

/** The context of one task attempt; collects the dead letters the job names. */
final class TaskContextImpl implements TaskContext {
  private final Connection connection;
  private final ClaimedTask task;
  private final List<DeadLetter> deadLetters;

  TaskContextImpl(Connection connection, ClaimedTask task, List<DeadLetter> deadLetters) {
    this.connection = connection;
    this.task = task;
    this.deadLetters = deadLetters;
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
    if (!range().contains(record.offset()) || record.partition() != range().partition()) {
      throw new IllegalArgumentException(
          "Record " + record + " is not part of this task's range " + range());
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
}
