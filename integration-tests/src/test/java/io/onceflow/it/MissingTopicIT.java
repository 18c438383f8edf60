package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.examples.Workload;
import io.onceflow.runtime.Engine;
import io.onceflow.testkit.TestKafka;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A topic of {@code source.topics} that does not exist: {@code source.missing.topic=wait} (the
 * default) plans nothing for it and picks it up once it is created; {@code fail} stops the driver
 * with an error naming it, and nothing is planned.
 */
class MissingTopicIT {

  @Test
  void byDefaultTheDriverWaitsAndPicksTheTopicUpOnceCreated() throws Exception {
    try (Scenario s = Scenario.create("missing_wait", RecordingJob.class, Workload.standard(), 1)) {
      String later = TestKafka.uniqueTopic("created-later");
      s.set("source.topics", later).set("value.format", "string");
      try (Engine engine = Engine.start(s.config(), Engine.Role.LOCAL)) {
        TimeUnit.SECONDS.sleep(2);
        assertTrue(engine.failure().isEmpty(), () -> String.valueOf(engine.failure()));
        assertEquals(0, count(s, "onceflow.batches"), "nothing planned while the topic is missing");
        s.kafka.createTopic(later, 1);
        produce(s, later, 100);
        s.awaitCommitted(100, Duration.ofMinutes(1), () -> String.valueOf(engine.failure()));
      }
      assertEquals(100, count(s, "seen"));
      s.assertLedgerInvariants();
    }
  }

  @Test
  void underTheFailPolicyTheDriverStopsNamingTheTopicAndPlansNothing() throws Exception {
    try (Scenario s = Scenario.create("missing_fail", RecordingJob.class, Workload.standard(), 1)) {
      String missing = TestKafka.uniqueTopic("never-created");
      s.set("source.topics", s.topic + "," + missing).set("source.missing.topic", "fail");
      produce(s, s.topic, 100);
      try (Engine engine = Engine.start(s.config(), Engine.Role.LOCAL)) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (engine.failure().isEmpty() && System.nanoTime() < deadline) {
          TimeUnit.MILLISECONDS.sleep(50);
        }
        String message = engine.failure().orElseThrow().getMessage();
        assertTrue(message.contains("[" + missing + "]") && message.contains("source.missing.topic=fail"), message);
      }
      assertEquals(0, count(s, "onceflow.batches"), "nothing planned");
      assertEquals(0, count(s, "onceflow.offsets"), "nothing committed");
    }
  }

  private static long count(Scenario s, String table) throws Exception {
    try (Connection c = s.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void produce(Scenario s, String topic, int n) {
    Properties p = new Properties();
    p.put("bootstrap.servers", s.kafka.bootstrapServers());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i));
      }
    }
  }
}
