package io.onceflow.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.onceflow.api.Record;
import io.onceflow.api.ValueFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns Kafka's records into the job's {@link Record}s, deserializing values to the configured
 * {@link ValueFormat}. A value that cannot be deserialized is not an exception for the task: it
 * is returned as a {@link Failure} and becomes a dead letter.
 *
 * <p>Thread-safe (Jackson's ObjectMapper is).
 */
public final class RecordDecoder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ValueFormat format;

  public RecordDecoder(ValueFormat format) {
    this.format = format;
  }

  /** A record whose value could not be deserialized. */
  public record Failure(ConsumerRecord<byte[], byte[]> record, Exception error) {}

  /** Decoded records in offset order, and the ones that failed. */
  public record Decoded(List<Record<Object>> records, List<Failure> failures) {}

  public Decoded decode(List<ConsumerRecord<byte[], byte[]>> raw) {
    List<Record<Object>> records = new ArrayList<>(raw.size());
    List<Failure> failures = new ArrayList<>(0);
    for (ConsumerRecord<byte[], byte[]> r : raw) {
      try {
        records.add(toRecord(r, value(r.value())));
      } catch (IOException | RuntimeException e) {
        failures.add(new Failure(r, e));
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

  private static Record<Object> toRecord(ConsumerRecord<byte[], byte[]> r, Object value) {
    return new Record<>(
        r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), headers(r), value);
  }

  public static List<Map.Entry<String, byte[]>> headers(ConsumerRecord<byte[], byte[]> r) {
    Header[] array = r.headers().toArray();
    if (array.length == 0) {
      return List.of();
    }
    List<Map.Entry<String, byte[]>> headers = new ArrayList<>(array.length);
    for (Header h : array) {
      headers.add(Map.entry(h.key(), h.value() == null ? new byte[0] : h.value()));
    }
    return headers;
  }
}
