package io.onceflow.testkit;

import io.onceflow.api.Record;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds {@link Record}s for {@link JobHarness}: consecutive offsets of one partition. */
public final class TestRecords {
  private TestRecords() {}

  /** String values (value.format=string), keyless, offsets from {@code firstOffset}. */
  public static List<Record<String>> strings(String topic, int partition, long firstOffset, String... values) {
    List<Record<String>> records = new ArrayList<>(values.length);
    for (int i = 0; i < values.length; i++) {
      byte[] raw = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
      records.add(new Record<>(topic, partition, firstOffset + i, 0L, null, raw, List.of(), values[i]));
    }
    return records;
  }

  /** Raw values (value.format=bytes), keyed, offsets from {@code firstOffset}. */
  public static List<Record<byte[]>> bytes(
      String topic, int partition, long firstOffset, List<byte[]> keys, List<byte[]> values) {
    List<Record<byte[]>> records = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      byte[] key = keys == null ? null : keys.get(i);
      records.add(
          new Record<>(topic, partition, firstOffset + i, 0L, key, values.get(i), List.of(), values.get(i)));
    }
    return records;
  }
}
