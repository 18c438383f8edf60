package io.onceflow.ledger;

/** A Kafka partition as the ledger names it; the ledger does not depend on Kafka's types. */
public record PartitionId(String topic, int partition) implements Comparable<PartitionId> {
  @Override
  public int compareTo(PartitionId other) {
    int byTopic = topic.compareTo(other.topic);
    return byTopic != 0 ? byTopic : Integer.compare(partition, other.partition);
  }

  @Override
  public String toString() {
    return topic + "-" + partition;
  }
}
