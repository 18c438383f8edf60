package io.onceflow.examples;

import io.onceflow.api.OffsetRange;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/** A task bound to a test's open transaction; collects dead letters instead of storing them. */
final class FakeTaskContext implements TaskContext {

  record DeadLetter(Record<?> record, Throwable reason) {}

  private final Connection connection;
  private final OffsetRange range;
  final List<DeadLetter> deadLetters = new ArrayList<>();

  FakeTaskContext(Connection connection, OffsetRange range) {
    this.connection = connection;
    this.range = range;
  }

  @Override
  public Connection connection() {
    return connection;
  }

  @Override
  public OffsetRange range() {
    return range;
  }

  @Override
  public long batchId() {
    return 1;
  }

  @Override
  public String jobName() {
    return "test-job";
  }

  @Override
  public void deadLetter(Record<?> record, Throwable reason) {
    deadLetters.add(new DeadLetter(record, reason));
  }
}
