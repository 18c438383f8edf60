package io.onceflow.examples;

import io.onceflow.api.OffsetRange;
import io.onceflow.api.Record;
import java.util.ArrayList;
import java.util.List;

/**
 * The records a task of a fresh workload topic would read, built in memory: partition {@code p},
 * offsets {@code [from, until)}, with the values the producer sends (malformed ones included).
 */
final class WorkloadRecords {

  static final String TOPIC = "bench.events";

  private WorkloadRecords() {}

  static List<Record<byte[]>> of(Workload workload, PartitionLayout layout, OffsetRange range) {
    List<Record<byte[]>> records = new ArrayList<>();
    for (long o = range.from(); o < range.until(); o++) {
      long i = layout.indexAt(range.partition(), o);
      records.add(record(range.partition(), o, workload.keyBytes(i), workload.payload(i)));
    }
    return records;
  }

  static Record<byte[]> record(int partition, long offset, byte[] key, byte[] value) {
    return new Record<>(TOPIC, partition, offset, 0L, key, value, List.of(), value);
  }
}
