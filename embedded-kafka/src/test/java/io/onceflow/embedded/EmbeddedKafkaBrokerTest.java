package io.onceflow.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
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
import org.junit.jupiter.api.io.TempDir;

/** Starts real brokers from the build-time classpath file; each test prints what it measured. */
class EmbeddedKafkaBrokerTest {

  @TempDir Path dir;

  @Test
  void startsFormatsAndRoundTripsARecordThenSurvivesKillAndRestart() throws Throwable {
    long t0 = System.nanoTime();
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(dir, Map.of("log.retention.check.interval.ms", "1000"))) {
      long started = System.nanoTime();
      System.out.printf("timing: format+start %d ms%n", millis(t0, started));
      assertTrue(broker.isRunning());
      assertTrue(broker.bootstrapServers().startsWith("127.0.0.1:"));
      assertTrue(Files.exists(dir.resolve("logs/meta.properties")));
      assertTrue(
          Files.readString(dir.resolve("server.properties"))
              .contains("log.retention.check.interval.ms=1000"));

      createTopic(broker, "round-trip", 2);
      produce(broker, "round-trip", 1, "k", "v1");
      assertEquals(List.of("v1"), readAll(broker, new TopicPartition("round-trip", 1)));
      assertThrows(Exception.class, () -> produce(broker, "never-created", 0, "k", "v"));
      try (Admin admin = Admin.create(clientConfig(broker))) {
        assertFalse(
            admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("never-created"),
            "auto.create.topics.enable=false");
      }

      String address = broker.bootstrapServers();
      long firstPid = broker.pid();
      broker.kill();
      assertFalse(broker.isRunning());

      long t1 = System.nanoTime();
      broker.restart();
      System.out.printf("timing: restart after kill -9 %d ms%n", millis(t1, System.nanoTime()));
      assertEquals(address, broker.bootstrapServers());
      assertNotEquals(firstPid, broker.pid());
      produce(broker, "round-trip", 1, "k", "v2");
      assertEquals(List.of("v1", "v2"), readAll(broker, new TopicPartition("round-trip", 1)));

      long t2 = System.nanoTime();
      broker.stop();
      System.out.printf("timing: graceful stop %d ms%n", millis(t2, System.nanoTime()));
      assertFalse(broker.isRunning());
      broker.stop(); // idempotent
    }
    String log = Files.readString(dir.resolve("broker.log"));
    assertTrue(log.contains("Kafka Server started"), "the binding makes the broker log");
  }

  @Test
  void brokerDiesWithItsParentEvenWhenTheParentIsKilled() throws Exception {
    Path ready = dir.resolve("parent.ready");
    Process parent =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                BrokerParentMain.class.getName(),
                dir.resolve("data").toString(),
                ready.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("parent.log").toFile())
            .start();
    try {
      long brokerPid = awaitPid(ready, parent);
      ProcessHandle broker = ProcessHandle.of(brokerPid).orElseThrow();
      parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9: no shutdown hooks run
      long t0 = System.nanoTime();
      assertTrue(
          broker.onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).get() != null
              || !broker.isAlive(),
          "broker outlived its killed parent");
      System.out.printf(
          "timing: broker gone %d ms after parent kill -9%n", millis(t0, System.nanoTime()));
    } finally {
      parent.destroyForcibly();
    }
  }

  @Test
  void refusesPropertiesTheLauncherOwns() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EmbeddedKafkaBroker.start(dir, Map.of("listeners", "PLAINTEXT://:9092")));
    assertTrue(e.getMessage().contains("'listeners'"), e.getMessage());
  }

  @Test
  void missingClasspathFileSaysHowToBuildIt() {
    EmbeddedKafkaException e =
        assertThrows(EmbeddedKafkaException.class, () -> BrokerClasspath.resolve(null, null, null));
    assertTrue(e.getMessage().startsWith("broker classpath not found"), e.getMessage());
    assertTrue(e.getMessage().contains("mvn install"), e.getMessage());
    assertTrue(e.getMessage().contains(BrokerClasspath.ENV), e.getMessage());
  }

  @Test
  void overrideAcceptsAClasspathOrAnAtFileAndChecksEntries() throws Exception {
    Path jar = Files.createFile(dir.resolve("a.jar"));
    Path file = Files.writeString(dir.resolve("cp.txt"), jar + "\n");
    assertEquals(List.of(jar), BrokerClasspath.resolve(jar.toString(), "ignored", null));
    assertEquals(List.of(jar), BrokerClasspath.resolve(null, "@" + file, null));

    EmbeddedKafkaException e =
        assertThrows(
            EmbeddedKafkaException.class,
            () -> BrokerClasspath.resolve(dir.resolve("gone.jar").toString(), null, null));
    assertTrue(e.getMessage().contains("gone.jar"), e.getMessage());
    assertTrue(e.getMessage().contains(BrokerClasspath.PROPERTY), e.getMessage());
  }

  @Test
  void buildTimeClasspathFileNamesKafkaAndTheLog4jBinding() {
    List<Path> cp =
        BrokerClasspath.resolve(null, null, BrokerClasspath.class.getResource("broker.classpath"));
    Set<String> names =
        cp.stream()
            .map(p -> p.getFileName().toString())
            .collect(java.util.stream.Collectors.toSet());
    assertTrue(names.stream().anyMatch(n -> n.startsWith("kafka_2.13-")), names::toString);
    assertTrue(names.stream().anyMatch(n -> n.startsWith("log4j-slf4j2-impl-")), names::toString);
    assertFalse(names.stream().anyMatch(n -> n.startsWith("junit")), "test jars stay out");
  }

  @Test
  void clusterIdsLookLikeKafkaUuids() {
    String id = BrokerConfig.newClusterId();
    assertEquals(22, id.length());
    assertTrue(id.matches("[A-Za-z0-9_][A-Za-z0-9_-]{21}"), id);
  }

  private static long awaitPid(Path ready, Process parent) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(ready) && !Files.readString(ready).isBlank()) {
        return Long.parseLong(Files.readString(ready).trim());
      }
      assertTrue(parent.isAlive(), "parent JVM exited early, see its log");
      Thread.sleep(50);
    }
    throw new AssertionError("parent JVM did not report a broker pid");
  }

  private static Map<String, Object> clientConfig(EmbeddedKafkaBroker broker) {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
  }

  private static void createTopic(EmbeddedKafkaBroker broker, String topic, int partitions)
      throws Exception {
    try (Admin admin = Admin.create(clientConfig(broker))) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static void produce(
      EmbeddedKafkaBroker broker, String topic, int partition, String key, String value)
      throws Throwable {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, partition, key, value)).get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause();
    }
  }

  private static List<String> readAll(EmbeddedKafkaBroker broker, TopicPartition tp) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
      List<String> values = new java.util.ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (consumer.position(tp) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      return values;
    }
  }

  private static long millis(long fromNanos, long toNanos) {
    return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
  }
}
