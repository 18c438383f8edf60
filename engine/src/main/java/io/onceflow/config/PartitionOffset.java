package io.onceflow.config;

import java.util.Objects;

/**
 * One entry of {@code source.starting.offsets}: the first offset to read of a partition the ledger
 * has never seen. Written {@code topic:partition=offset} in the configuration.
 */
public record PartitionOffset(String topic, int partition, long offset) {

  public PartitionOffset {
    Objects.requireNonNull(topic, "topic");
    if (topic.isBlank()) {
      throw new IllegalArgumentException("topic must not be blank");
    }
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0, was " + partition);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, was " + offset);
    }
  }

  /** The configuration form, {@code topic:partition=offset}. */
  @Override
  public String toString() {
    return topic + ":" + partition + "=" + offset;
  }
}
