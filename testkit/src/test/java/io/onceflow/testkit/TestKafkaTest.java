package io.onceflow.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Runs against real brokers. No Docker engine runs on this project's machines, so {@link
 * TestKafka#shared()} is the forked embedded broker here; the Testcontainers path cannot be
 * exercised by these tests.
 */
class TestKafkaTest {

  @Test
  void sharedBrokerIsOnePerJvmAndCreatesTopicsReadyForUse() throws Exception {
    long t0 = System.nanoTime();
    TestKafka kafka = TestKafka.shared();
    System.out.printf("timing: shared broker ready %d ms (%s)%n", millis(t0), kafka);
    assertSame(kafka, TestKafka.shared());

    String topic = TestKafka.uniqueTopic("orders");
    assertTrue(topic.matches("orders-[0-9a-f]{8}"), topic);
    assertNotEquals(topic, TestKafka.uniqueTopic("orders"));

    long t1 = System.nanoTime();
    assertEquals(topic, kafka.createTopic(topic, 3));
    System.out.printf("timing: create topic with 3 partitions %d ms%n", millis(t1));
    assertEquals(
        3,
        kafka
            .adminClient()
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get()
            .get(topic)
            .partitions()
            .size());

    produce(kafka, topic, 2, "hello");
    assertEquals(List.of("hello"), readAll(kafka, new TopicPartition(topic, 2)));
  }

  @Test
  void creatingAnExistingTopicFailsLoudly() {
    TestKafka kafka = TestKafka.shared();
    String topic = kafka.createTopic(TestKafka.uniqueTopic("twice"), 1);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> kafka.createTopic(topic, 1));
    assertTrue(e.getMessage().contains("TopicExistsException"), e.getMessage());
  }

  @Test
  void sharedBrokerCannotBeStoppedByATest() {
    TestKafka kafka = TestKafka.shared();
    assertThrows(UnsupportedOperationException.class, kafka::stop);
    assertThrows(UnsupportedOperationException.class, kafka::kill);
    kafka.close(); // a no-op for the shared broker
    kafka.createTopic(TestKafka.uniqueTopic("still-up"), 1);
  }

  @Test
  void privateBrokerComesBackOnTheSameAddressAfterAKill() throws Exception {
    try (TestKafka kafka =
        TestKafka.startPrivate(Map.of("log.retention.check.interval.ms", "1000"))) {
      String topic = kafka.createTopic(TestKafka.uniqueTopic("outage"), 1);
      produce(kafka, topic, 0, "before");
      String address = kafka.bootstrapServers();

      kafka.kill();
      long t0 = System.nanoTime();
      kafka.restart();
      System.out.printf("timing: private broker restart after kill -9 %d ms%n", millis(t0));

      assertEquals(address, kafka.bootstrapServers());
      produce(kafka, topic, 0, "after");
      assertEquals(List.of("before", "after"), readAll(kafka, new TopicPartition(topic, 0)));
      // the admin client created before the outage reconnects by itself
      assertTrue(
          kafka.adminClient().listTopics().names().get(30, TimeUnit.SECONDS).contains(topic));
    }
  }

  static void produce(TestKafka kafka, String topic, int partition, String value) throws Exception {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, partition, null, value)).get(30, TimeUnit.SECONDS);
    }
  }

  static List<String> readAll(TestKafka kafka, TopicPartition tp) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (consumer.position(tp) < end) {
        assertFalse(System.nanoTime() > deadline, "records not read within 30 s");
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      return values;
    }
  }

  private static long millis(long fromNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fromNanos);
  }
}
