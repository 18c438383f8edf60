package io.onceflow.ledger;

import java.util.List;
import java.util.Map;

/** A record that could not be deserialized or processed, with the error that stopped it. */
public record DeadLetter(
    String topic,
    int partition,
    long offset,
    byte[] key,
    byte[] value,
    List<Map.Entry<String, byte[]>> headers,
    String errorClass,
    String errorMessage) {

  public static DeadLetter of(
      String topic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      List<Map.Entry<String, byte[]>> headers,
      Throwable error) {
    return new DeadLetter(
        topic, partition, offset, key, value, headers, error.getClass().getName(), error.getMessage());
  }
}
