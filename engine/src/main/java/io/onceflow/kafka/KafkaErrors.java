package io.onceflow.kafka;

/**
 * Which Kafka client errors may go away on retry: Kafka marks them itself, by extending {@link
 * org.apache.kafka.common.errors.RetriableException} (a broker that is down or moving leadership,
 * a request timeout, a disconnect). The cause chain is walked, because the engine wraps them.
 */
public final class KafkaErrors {
  private KafkaErrors() {}

  public static boolean isRetriable(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof org.apache.kafka.common.errors.RetriableException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
