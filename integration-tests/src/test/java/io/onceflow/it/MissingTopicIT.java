package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.runtime.Engine;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
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
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A topic of {@code source.topics} that does not exist: {@code source.missing.topic=wait} (the
 * default) plans nothing for it and picks it up once it is created; {@code fail} stops the driver
 * with an error naming it, and nothing is planned.
 */
@ExtendWith(RealServers.class)
class MissingTopicIT {

  @Test
  void byDefaultTheDriverWaitsAndPicksTheTopicUpOnceCreated(TestKafka kafka, TestDatabase db) throws Exception {
    String later = TestKafka.uniqueTopic("created-later");
    JobUnderTest job = JobUnderTest.of(RecordingJob.class, kafka, db).topics(later).set("job.name", "missing_wait");
    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
      TimeUnit.SECONDS.sleep(2);
      assertTrue(engine.failure().isEmpty(), () -> String.valueOf(engine.failure()));
      assertEquals(0, count(db, "onceflow.batches"), "nothing planned while the topic is missing");
      kafka.createTopic(later, 1);
      produce(kafka, later, 100);
      job.awaitCommitted(100, Duration.ofMinutes(1), () -> String.valueOf(engine.failure()));
    }
    assertEquals(100, count(db, "seen"));
    job.assertLedger();
  }

  @Test
  void underTheFailPolicyTheDriverStopsNamingTheTopicAndPlansNothing(TestKafka kafka, TestDatabase db)
      throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("missing_fail"), 1);
    String missing = TestKafka.uniqueTopic("never-created");
    JobUnderTest job = JobUnderTest.of(RecordingJob.class, kafka, db).topics(topic, missing)
        .set("job.name", "missing_fail").set("source.missing.topic", "fail");
    produce(kafka, topic, 100);
    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (engine.failure().isEmpty() && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      String message = engine.failure().orElseThrow().getMessage();
      assertTrue(message.contains("[" + missing + "]") && message.contains("source.missing.topic=fail"), message);
    }
    assertEquals(0, count(db, "onceflow.batches"), "nothing planned");
    assertEquals(0, count(db, "onceflow.offsets"), "nothing committed");
  }

  private static long count(TestDatabase db, String table) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void produce(TestKafka kafka, String topic, int n) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i));
      }
    }
  }
}
