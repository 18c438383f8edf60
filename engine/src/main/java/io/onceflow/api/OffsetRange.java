package io.onceflow.api;

import java.util.Objects;

/**
 * A half-open range of offsets of one Kafka partition: {@code from} inclusive, {@code until}
 * exclusive. The offset stored in the ledger is always the next one to read, that is a range's
 * {@code until}.
 *
 * <p>A planned range is never empty: the driver plans only ranges with at least one offset.
 */
public record OffsetRange(String topic, int partition, long from, long until) {

  public OffsetRange {
    Objects.requireNonNull(topic, "topic");
    if (topic.isEmpty()) {
      throw new IllegalArgumentException("topic must not be empty");
    }
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0, was " + partition);
    }
    if (from < 0) {
      throw new IllegalArgumentException("from must be >= 0, was " + from);
    }
    if (until < from) {
      throw new IllegalArgumentException(
          "until (" + until + ") must be >= from (" + from + ") for " + topic + "-" + partition);
    }
  }

  /** Number of offsets in the range; records may be fewer (transaction markers, compaction). */
  public long count() {
    return until - from;
  }

  public boolean isEmpty() {
    return from == until;
  }

  public boolean contains(long offset) {
    return offset >= from && offset < until;
  }

  @Override
  public String toString() {
    return topic + "-" + partition + "[" + from + "," + until + ")";
  }
}
