package io.onceflow.task;

import io.onceflow.api.OffsetRange;
import io.onceflow.api.OutputRecord;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import io.onceflow.ledger.ClaimedTask;
import io.onceflow.ledger.DeadLetter;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The context of one task attempt; collects the dead letters the job names and the records it
 * emits (written to the outbox in the task's transaction by the caller).
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
  private final List<OutputRecord> emitted = new ArrayList<>();
  private final int maxEmitBytes;
  private IllegalArgumentException misuse;

  /**
   * @param deadLetters the attempt's dead letters so far (undecodable records); added to here
   * @param maxEmitBytes {@code outbox.max.record.bytes}: a larger emitted record fails the call
   */
  TaskContextImpl(
      Connection connection, ClaimedTask task, List<DeadLetter> deadLetters, int maxEmitBytes) {
    this.connection = connection;
    this.task = task;
    this.deadLetters = deadLetters;
    this.maxEmitBytes = maxEmitBytes;
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

  @Override
  public void emit(OutputRecord record) {
    if (!LEGAL_TOPIC.matcher(record.topic()).matches()) {
      throw misused("Task " + task + " emitted a record to '" + record.topic() + "', which is not"
          + " a valid Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -)");
    }
    if (record.partition() != null && record.partition() < 0) {
      throw misused("Task " + task + " emitted a record to partition " + record.partition()
          + " of '" + record.topic() + "': a partition is 0 or more (or null for the partitioner)");
    }
    int size = record.sizeInBytes();
    if (size > maxEmitBytes) {
      throw misused("Task " + task + " emitted a record of about " + size + " bytes to '"
          + record.topic() + "', more than outbox.max.record.bytes=" + maxEmitBytes + ". Emit"
          + " smaller records, or raise outbox.max.record.bytes together with the producer's"
          + " max.request.size (outbox.producer.max.request.size) and the topic's"
          + " max.message.bytes");
    }
    emitted.add(record);
  }

  /** The records emitted by the calls that were not rolled back, in the order they came. */
  List<OutputRecord> emitted() {
    return emitted;
  }

  private static final java.util.regex.Pattern LEGAL_TOPIC =
      java.util.regex.Pattern.compile("[a-zA-Z0-9._-]{1,249}");

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

  /** How many dead letters and emitted records there are now: a point to roll back to. */
  record Mark(int deadLetters, int emitted) {}

  /** Now, as a point {@link #rollBackTo} can return to. */
  Mark mark() {
    misuse = null;
    return new Mark(deadLetters.size(), emitted.size());
  }

  /** Forgets the dead letters named and the records emitted since {@code mark}: their call was
   * rolled back. */
  void rollBackTo(Mark mark) {
    List<DeadLetter> undone = deadLetters.subList(mark.deadLetters(), deadLetters.size());
    undone.forEach(d -> deadLettered.remove(d.offset()));
    undone.clear();
    emitted.subList(mark.emitted(), emitted.size()).clear();
  }
}
