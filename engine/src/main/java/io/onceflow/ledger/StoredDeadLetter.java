package io.onceflow.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A row of {@code onceflow.dead_letters}: the record as it was read (key, value and headers as
 * bytes), where it came from, and the error that stopped it.
 *
 * <p>The record's Kafka timestamp is not stored; a replayed record carries {@code -1}.
 */
public record StoredDeadLetter(
    long id,
    String job,
    long batchId,
    String topic,
    int partition,
    long offset,
    byte[] key,
    byte[] value,
    List<Map.Entry<String, byte[]>> headers,
    String errorClass,
    String errorMessage,
    int attempts,
    Instant createdAt) {

  /** {@code topic-partition@offset}, as errors and the CLI name a record. */
  public String recordName() {
    return topic + "-" + partition + "@" + offset;
  }
}
