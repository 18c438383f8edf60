package io.onceflow.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A record a job emits to a Kafka topic ({@link TaskContext#emit}): it is published exactly once
 * after the task commits, or never if the task does not (docs/outbox.md).
 *
 * @param topic the output topic; it must exist (the relay does not create topics)
 * @param partition the output partition, or {@code null} for Kafka's default partitioner (by key)
 * @param key the key's bytes, or {@code null}
 * @param value the value's bytes, or {@code null} (a tombstone on a compacted topic)
 * @param headers the headers, in order; never {@code null}
 */
public record OutputRecord(
    String topic, Integer partition, byte[] key, byte[] value, List<Map.Entry<String, byte[]>> headers) {

  public OutputRecord {
    Objects.requireNonNull(topic, "topic");
    headers = headers == null ? List.of() : List.copyOf(headers);
  }

  /** A record of bytes, partitioned by key. */
  public static OutputRecord of(String topic, byte[] key, byte[] value) {
    return new OutputRecord(topic, null, key, value, List.of());
  }

  /** A record of UTF-8 strings, partitioned by key. */
  public static OutputRecord of(String topic, String key, String value) {
    return of(topic, utf8(key), utf8(value));
  }

  /**
   * A record whose key and value serializers turn into bytes: pass a Kafka {@code Serializer}'s
   * method, {@code serialized(topic, k, v, keySerializer::serialize, valueSerializer::serialize)}
   * (the API itself depends on nothing but the JDK).
   */
  public static <K, V> OutputRecord serialized(String topic, K key, V value,
      BiFunction<String, K, byte[]> keySerializer, BiFunction<String, V, byte[]> valueSerializer) {
    return of(topic, keySerializer.apply(topic, key), valueSerializer.apply(topic, value));
  }

  /** This record sent to {@code partition} instead of the partitioner's choice. */
  public OutputRecord toPartition(int partition) {
    return new OutputRecord(topic, partition, key, value, headers);
  }

  /** This record with one more header. */
  public OutputRecord withHeader(String name, byte[] headerValue) {
    List<Map.Entry<String, byte[]>> more = new ArrayList<>(headers);
    more.add(new java.util.AbstractMap.SimpleImmutableEntry<>(name, headerValue));
    return new OutputRecord(topic, partition, key, value, more);
  }

  /** The bytes the record takes at most in a Kafka batch, roughly: checked before it is stored. */
  public int sizeInBytes() {
    int size = topic.length() + length(key) + length(value) + 64;
    for (Map.Entry<String, byte[]> h : headers) {
      size += h.getKey().length() + length(h.getValue()) + 8;
    }
    return size;
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return topic + (partition == null ? "" : "-" + partition) + " (key " + length(key) + " B, value "
        + length(value) + " B)";
  }
}
