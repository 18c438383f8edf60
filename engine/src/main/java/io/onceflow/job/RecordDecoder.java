package io.onceflow.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.onceflow.api.Record;
import io.onceflow.api.ValueFormat;
import io.onceflow.kafka.RangeRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;

/**
 * Turns a range's records into the job's {@link Record}s, deserializing values to the configured
 * {@link ValueFormat}. A value that cannot be deserialized is not an exception for the task: it
 * is returned as a {@link Failure} and becomes a dead letter.
 *
 * <p>{@code bytes} and {@code string} values cannot fail, so their records are made only when the
 * job asks for them, from the compact {@link RangeRecords}: a job that does not keep them leaves
 * only short-lived garbage. {@code json} values are parsed up front, to find the failures before
 * the task's transaction opens.
 *
 * <p>Thread-safe (Jackson's ObjectMapper is).
 */
public final class RecordDecoder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ValueFormat format;

  public RecordDecoder(ValueFormat format) {
    this.format = format;
  }

  /** A record whose value could not be deserialized; its value is the raw bytes. */
  public record Failure(Record<byte[]> record, Exception error) {}

  /** Decoded records in offset order, and the ones that failed. */
  public record Decoded(List<Record<Object>> records, List<Failure> failures) {}

  public Decoded decode(RangeRecords raw) {
    if (format != ValueFormat.JSON) {
      return new Decoded(new LazyRecords(raw, this), List.of());
    }
    List<Record<Object>> records = new ArrayList<>(raw.size());
    List<Failure> failures = new ArrayList<>(0);
    for (int i = 0; i < raw.size(); i++) {
      byte[] bytes = raw.value(i);
      try {
        records.add(record(raw, i, bytes, value(bytes)));
      } catch (IOException | RuntimeException e) {
        failures.add(new Failure(record(raw, i, bytes, bytes), e));
      }
    }
    return new Decoded(records, failures);
  }

  /** One value in the configured format; throws what the format's parser throws. */
  public Object decodeValue(byte[] bytes) throws IOException {
    return value(bytes);
  }

  private Object value(byte[] bytes) throws IOException {
    if (bytes == null) {
      return null;
    }
    return switch (format) {
      case BYTES -> bytes;
      case STRING -> new String(bytes, StandardCharsets.UTF_8);
      case JSON -> JSON.readTree(bytes);
    };
  }

  private static <V> Record<V> record(RangeRecords raw, int i, byte[] bytes, V value) {
    return new Record<>(
        raw.topic(), raw.partition(), raw.offset(i), raw.timestamp(i), raw.key(i), bytes,
        raw.headers(i), value);
  }

  /** The records of a range in a format that cannot fail, each made when asked for. */
  private static final class LazyRecords extends AbstractList<Record<Object>> implements RandomAccess {
    private final RangeRecords raw;
    private final int generation;
    private final int size;
    private final RecordDecoder decoder;

    LazyRecords(RangeRecords raw, RecordDecoder decoder) {
      this.raw = raw;
      this.generation = raw.generation();
      this.size = raw.size();
      this.decoder = decoder;
    }

    @Override
    public Record<Object> get(int index) {
      if (raw.generation() != generation) {
        // The worker reuses the buffer for its next task: never hand out another task's record.
        throw new IllegalStateException(
            "The record list of a finished task was kept and read after process() returned;"
                + " copy the records you need to keep (Record objects themselves stay valid)");
      }
      if (index < 0 || index >= size) {
        throw new IndexOutOfBoundsException("record " + index + " of " + size);
      }
      byte[] bytes = raw.value(index);
      try {
        return record(raw, index, bytes, decoder.value(bytes));
      } catch (IOException e) {
        throw new IllegalStateException("bytes and string values cannot fail to decode", e);
      }
    }

    @Override
    public int size() {
      return size;
    }
  }
}
