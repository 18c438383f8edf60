package io.onceflow.config;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Where a partition the ledger has never seen starts reading (keys {@code source.starting}, {@code
 * source.starting.timestamp}, {@code source.starting.offsets}).
 *
 * <p>It applies only to the partitions present when the job plans its first batch. Once a job has
 * rows in the ledger, the ledger is the only truth: a restart never consults this again, and a
 * partition that appears later (a topic grows, a new topic matches the pattern) starts at its
 * earliest offset, so no record written to it is skipped.
 *
 * @param kind which rule applies
 * @param timestampMs epoch milliseconds for {@link Kind#TIMESTAMP}; {@link #NO_TIMESTAMP} for the
 *     other kinds (never a value Kafka would interpret, by accident, as "latest")
 * @param offsets explicit start offsets for {@link Kind#OFFSETS}; empty for the other kinds
 */
public record StartingPosition(Kind kind, long timestampMs, List<PartitionOffset> offsets) {

  /** The {@link #timestampMs()} of every kind but {@link Kind#TIMESTAMP}. */
  public static final long NO_TIMESTAMP = -1L;

  /** The rule that picks the first offset of a partition. */
  public enum Kind {
    /** The partition's log start offset. */
    EARLIEST,
    /** The partition's end offset (last stable offset) at the first plan: only new records. */
    LATEST,
    /** The first offset whose record timestamp is at or after {@code timestampMs}. */
    TIMESTAMP,
    /** The offsets listed; unlisted partitions start at earliest. */
    OFFSETS
  }

  public StartingPosition {
    Objects.requireNonNull(kind, "kind");
    offsets = List.copyOf(offsets);
    if (kind == Kind.TIMESTAMP && timestampMs < 0) {
      throw new IllegalArgumentException("timestampMs must be >= 0, was " + timestampMs);
    }
    if (kind != Kind.TIMESTAMP && timestampMs != NO_TIMESTAMP) {
      throw new IllegalArgumentException("timestampMs is only meaningful for TIMESTAMP");
    }
    if (kind == Kind.OFFSETS && offsets.isEmpty()) {
      throw new IllegalArgumentException("OFFSETS needs at least one partition offset");
    }
    if (kind != Kind.OFFSETS && !offsets.isEmpty()) {
      throw new IllegalArgumentException("offsets are only meaningful for OFFSETS");
    }
  }

  public static StartingPosition earliest() {
    return new StartingPosition(Kind.EARLIEST, NO_TIMESTAMP, List.of());
  }

  public static StartingPosition latest() {
    return new StartingPosition(Kind.LATEST, NO_TIMESTAMP, List.of());
  }

  public static StartingPosition timestamp(long timestampMs) {
    return new StartingPosition(Kind.TIMESTAMP, timestampMs, List.of());
  }

  public static StartingPosition offsets(List<PartitionOffset> offsets) {
    return new StartingPosition(Kind.OFFSETS, NO_TIMESTAMP, offsets);
  }

  /** The configured start of one partition, if {@link Kind#OFFSETS} lists it. */
  public OptionalLong offsetFor(String topic, int partition) {
    for (PartitionOffset o : offsets) {
      if (o.topic().equals(topic) && o.partition() == partition) {
        return OptionalLong.of(o.offset());
      }
    }
    return OptionalLong.empty();
  }
}
