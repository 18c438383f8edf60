package io.onceflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.api.ValueFormat;
import io.onceflow.config.StartingPosition.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OnceflowConfigTest {

  @Test
  void minimalConfigurationGetsTheDocumentedDefaults() {
    OnceflowConfig c = OnceflowConfig.fromMap(Minimal.map());

    assertEquals("orders", c.jobName());
    assertEquals("com.example.TotalsJob", c.jobClass());
    assertEquals(Optional.empty(), c.jobJar());
    assertEquals(Map.of(), c.jobParams());
    assertEquals(List.of("orders"), c.sourceTopics());
    assertEquals(Optional.empty(), c.sourcePattern());
    assertEquals(StartingPosition.earliest(), c.startingPosition());
    assertEquals(ValueFormat.STRING, c.valueFormat());
    assertEquals(1000L, c.batchIntervalMs());
    assertEquals(100_000L, c.maxRecordsPerPartition());
    assertEquals(2, c.maxBatchesInFlight());
    assertEquals(2, c.workerThreads());
    assertEquals(30_000L, c.leaseMs());
    assertEquals(3, c.taskAttempts());
    assertEquals(1000L, c.standbyPollMs());
    assertEquals("localhost:9092", c.kafkaBootstrapServers());
    assertEquals("jdbc:postgresql://localhost:5432/app", c.postgresUrl());
    assertEquals(5, c.postgresPoolSize());
  }

  @Test
  void poolSizeDefaultFollowsWorkerThreads() {
    assertEquals(
        11, OnceflowConfig.fromMap(Minimal.with("worker.threads", "8")).postgresPoolSize());
    assertEquals(
        8,
        OnceflowConfig.fromMap(Minimal.with("worker.threads", "8"))
            .with("postgres.pool.size", "8")
            .with("worker.threads", "3")
            .postgresPoolSize(),
        "a pool size that is set stays set");
  }

  @Test
  void readsEveryTypedKey() {
    OnceflowConfig c =
        OnceflowConfig.builder()
            .setAll(Minimal.map())
            .set("job.jar", Path.of("/opt/jobs/totals.jar"))
            .set("job.param.table", "totals")
            .set("job.param.window.minutes", 5)
            .set("source.topics", null)
            .set("source.pattern", Pattern.compile("orders-.*"))
            .set("source.starting", Kind.TIMESTAMP)
            .set("source.starting.timestamp", 1_700_000_000_000L)
            .set(ConfigKeys.VALUE_FORMAT, ValueFormat.JSON)
            .set("batch.interval.ms", 250)
            .set("batch.max.records.per.partition", "5000")
            .set("batch.max.in.flight", 4)
            .set("worker.threads", 6)
            .set("worker.lease.ms", 10_000)
            .set("worker.task.attempts", 5)
            .set("driver.standby.poll.ms", 200)
            .set("postgres.pool.size", 12)
            .build();

    assertEquals(Optional.of(Path.of("/opt/jobs/totals.jar")), c.jobJar());
    assertEquals(Map.of("table", "totals", "window.minutes", "5"), c.jobParams());
    assertEquals(List.of(), c.sourceTopics());
    assertEquals("orders-.*", c.sourcePattern().orElseThrow().pattern());
    assertEquals(StartingPosition.timestamp(1_700_000_000_000L), c.startingPosition());
    assertEquals(ValueFormat.JSON, c.valueFormat());
    assertEquals(250L, c.batchIntervalMs());
    assertEquals(5000L, c.maxRecordsPerPartition());
    assertEquals(4, c.maxBatchesInFlight());
    assertEquals(6, c.workerThreads());
    assertEquals(10_000L, c.leaseMs());
    assertEquals(5, c.taskAttempts());
    assertEquals(200L, c.standbyPollMs());
    assertEquals(12, c.postgresPoolSize());
  }

  @Test
  void topicListIsTrimmedAndKeepsOrder() {
    OnceflowConfig c = OnceflowConfig.fromMap(Minimal.with("source.topics", " b , a,c "));
    assertEquals(List.of("b", "a", "c"), c.sourceTopics());
  }

  @Test
  void enumValuesIgnoreCase() {
    OnceflowConfig c = OnceflowConfig.fromMap(Minimal.with("value.format", "BYTES"));
    assertEquals(ValueFormat.BYTES, c.valueFormat());
  }

  @Test
  void startingOffsetsParseIntoPartitionOffsets() {
    Map<String, String> m = Minimal.with("source.topics", "orders,audit.log-v2");
    m.put("source.starting", "offsets");
    m.put("source.starting.offsets", "orders:0=42, orders:1=0,audit.log-v2:3=9000000000");

    StartingPosition start = OnceflowConfig.fromMap(m).startingPosition();

    assertEquals(Kind.OFFSETS, start.kind());
    assertEquals(
        List.of(
            new PartitionOffset("orders", 0, 42),
            new PartitionOffset("orders", 1, 0),
            new PartitionOffset("audit.log-v2", 3, 9_000_000_000L)),
        start.offsets());
    assertEquals(42L, start.offsetFor("orders", 0).orElseThrow());
    assertTrue(start.offsetFor("orders", 7).isEmpty());
  }

  @Test
  void latestNeedsNoOtherKey() {
    assertEquals(
        StartingPosition.latest(),
        OnceflowConfig.fromMap(Minimal.with("source.starting", "latest")).startingPosition());
  }

  @Test
  void consumerPropertiesPassKafkaSettingsAndEnforceTheGuarantee() {
    Map<String, String> m = Minimal.map();
    m.put("kafka.security.protocol", "SASL_SSL");
    m.put("kafka.sasl.mechanism", "PLAIN");
    m.put("kafka.max.poll.records", "1000");
    m.put("kafka.group.id", "legacy-group");
    m.put("kafka.enable.auto.commit", "false");
    m.put("kafka.isolation.level", "read_committed");
    m.put("kafka.retries", "3"); // admin-only

    Properties p = OnceflowConfig.fromMap(m).kafkaConsumerProperties();

    assertEquals("localhost:9092", p.getProperty("bootstrap.servers"));
    assertEquals("SASL_SSL", p.getProperty("security.protocol"));
    assertEquals("PLAIN", p.getProperty("sasl.mechanism"));
    assertEquals("1000", p.getProperty("max.poll.records"));
    assertEquals("false", p.getProperty("enable.auto.commit"));
    assertEquals("read_committed", p.getProperty("isolation.level"));
    assertEquals("none", p.getProperty("auto.offset.reset"));
    assertEquals(
        "org.apache.kafka.common.serialization.ByteArrayDeserializer",
        p.getProperty("key.deserializer"));
    assertEquals(
        "org.apache.kafka.common.serialization.ByteArrayDeserializer",
        p.getProperty("value.deserializer"));
    assertFalse(p.containsKey("group.id"), "group.id is ignored");
    assertFalse(p.containsKey("retries"), "admin-only settings stay out of the consumer");
  }

  @Test
  void adminPropertiesKeepOnlyAdminSettings() {
    Map<String, String> m = Minimal.map();
    m.put("kafka.security.protocol", "SSL");
    m.put("kafka.ssl.truststore.location", "/etc/kafka/truststore.jks");
    m.put("kafka.request.timeout.ms", "15000");
    m.put("kafka.max.poll.records", "1000");

    Properties p = OnceflowConfig.fromMap(m).kafkaAdminProperties();

    Properties expected = new Properties();
    expected.setProperty("bootstrap.servers", "localhost:9092");
    expected.setProperty("security.protocol", "SSL");
    expected.setProperty("ssl.truststore.location", "/etc/kafka/truststore.jks");
    expected.setProperty("request.timeout.ms", "15000");
    assertEquals(expected, p);
  }

  @Test
  void postgresPropertiesCarryUserPasswordAndPassthrough() {
    Map<String, String> m = Minimal.map();
    m.put("postgres.user", "onceflow");
    m.put("postgres.password", "pw");
    m.put("postgres.sslmode", "verify-full");
    m.put("postgres.sslrootcert", "/etc/ssl/root.crt");
    m.put("postgres.ApplicationName", "onceflow-orders");

    Properties p = OnceflowConfig.fromMap(m).postgresProperties();

    Properties expected = new Properties();
    expected.setProperty("user", "onceflow");
    expected.setProperty("password", "pw");
    expected.setProperty("sslmode", "verify-full");
    expected.setProperty("sslrootcert", "/etc/ssl/root.crt");
    expected.setProperty("ApplicationName", "onceflow-orders");
    assertEquals(expected, p);
  }

  @Test
  void propertiesAreFreshCopies() {
    OnceflowConfig c = OnceflowConfig.fromMap(Minimal.map());
    c.kafkaConsumerProperties().setProperty("enable.auto.commit", "true");
    assertEquals("false", c.kafkaConsumerProperties().getProperty("enable.auto.commit"));
  }

  @Test
  void withChangesOneKeyAndRevalidates() {
    OnceflowConfig c = OnceflowConfig.fromMap(Minimal.map());

    OnceflowConfig faster = c.with("batch.interval.ms", "100");

    assertEquals(100L, faster.batchIntervalMs());
    assertEquals(1000L, c.batchIntervalMs(), "the original is unchanged");
    assertEquals("orders", faster.jobName());
    String message = Minimal.problems(() -> c.with("batch.interval.ms", "-1"));
    assertTrue(message.contains("batch.interval.ms"), message);
    assertTrue(Minimal.problems(() -> c.with("job.name", null)).contains("job.name"));
  }

  @Test
  void equalWhenTheSameKeysAreSet() {
    OnceflowConfig a = OnceflowConfig.fromMap(Minimal.map());
    OnceflowConfig b = OnceflowConfig.builder().setAll(Minimal.map()).build();
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, a.with("worker.threads", "3"));
  }

  @Test
  void describeShowsEveryKeyValueAndOrigin() {
    Map<String, String> m = Minimal.map();
    m.put("batch.interval.ms", "250");
    m.put("job.param.table", "totals");

    String d = OnceflowConfig.fromMap(m).describe();

    assertTrue(d.contains("batch.interval.ms"), d);
    assertTrue(d.matches("(?s).*batch\\.interval\\.ms +=  ?250 +\\(the given map\\).*"), d);
    assertTrue(d.matches("(?s).*worker\\.threads +=  ?2 +\\(default\\).*"), d);
    assertTrue(
        d.matches("(?s).*postgres\\.pool\\.size +=  ?5 +\\(default: worker\\.threads \\+ 3\\).*"),
        d);
    assertTrue(d.matches("(?s).*job\\.jar +=  ?\\(not set\\).*"), d);
    assertTrue(d.contains("job.param.table"), d);
    for (ConfigKey<?> key : ConfigKeys.all()) {
      assertTrue(d.contains(key.name()), key.name());
    }
  }
}
