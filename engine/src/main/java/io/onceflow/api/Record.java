package io.onceflow.api;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One Kafka record of a task, with its value already deserialized to the job's configured
 * {@code value.format} ({@code String}, {@code byte[]} or a Jackson {@code JsonNode}).
 *
 * <p>The raw key and value bytes are kept so that a record can be dead-lettered exactly as it was
 * read.
 *
 * @param <V> the deserialized value type
 */
public record Record<V>(
    String topic,
    int partition,
    long offset,
    long timestamp,
    byte[] key,
    byte[] rawValue,
    List<Map.Entry<String, byte[]>> headers,
    V value) {

  /** The key decoded as UTF-8, or {@code null} when the record has no key. */
  public String keyAsString() {
    return key == null ? null : new String(key, StandardCharsets.UTF_8);
  }

  /** The last header with this name, or {@code null}. */
  public byte[] header(String name) {
    byte[] found = null;
    for (Map.Entry<String, byte[]> header : headers) {
      if (header.getKey().equals(name)) {
        found = header.getValue();
      }
    }
    return found;
  }

  @Override
  public String toString() {
    return topic + "-" + partition + "@" + offset;
  }
}
