package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.api.Job;
import io.onceflow.api.PoisonRecordException;
import io.onceflow.runtime.Engine;
import io.onceflow.testkit.JobProcess;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.LedgerAssertions;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record that makes the job throw is isolated by bisection under savepoints after the
 * configured attempts: it becomes a dead letter, every other record of its range commits once,
 * and the partition moves on. The seed problem of DESIGN §1.2, fixed.
 */
@ExtendWith(RealServers.class)
class PoisonRecordsIT {
  @TempDir Path dir;

  @Test
  void aPoisonRecordBecomesADeadLetterAndTheRestCommitsOnce(TestKafka kafka, TestDatabase db) throws Exception {
    int n = 4_000;
    List<Long> poisonOffsets = List.of(17L, 2_500L, 3_999L);
    String topic = kafka.createTopic(TestKafka.uniqueTopic("poison"), 1);
    JobUnderTest job = job("poison", PoisonJob.class, kafka, topic, db).set("worker.task.attempts", "2");
    produce(kafka, topic, n, poisonOffsets);
    PoisonJob.CALLS.set(0);
    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
      job.awaitCommitted(n, Duration.ofMinutes(3), () -> engine.failure().map(Throwable::toString).orElse(""));
    }
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT \"offset\") FROM seen")) {
        rs.next();
        assertEquals(n - poisonOffsets.size(), rs.getLong(1), "every good record applied");
        assertEquals(n - poisonOffsets.size(), rs.getLong(2), "each once");
      }
      List<Long> dead = new ArrayList<>();
      try (ResultSet rs = st.executeQuery(
          "SELECT \"offset\", error_class, error_message, convert_from(record_value, 'UTF8')"
              + " FROM onceflow.dead_letters WHERE job = 'poison' ORDER BY \"offset\"")) {
        while (rs.next()) {
          dead.add(rs.getLong(1));
          assertEquals(IllegalStateException.class.getName(), rs.getString(2));
          assertTrue(rs.getString(3).contains("cannot handle poison"), rs.getString(3));
          assertTrue(rs.getString(4).startsWith("poison"));
        }
      }
      assertEquals(poisonOffsets, dead);
    }
    job.assertLedger();
    // 4 tasks of 1000 with 3 poisoned: each poisoned task costs 2 failed attempts and then
    // about 2 * log2(1000) = 20 bisection calls; n calls would mean isolating record by record.
    assertTrue(PoisonJob.CALLS.get() < 120, "job calls: " + PoisonJob.CALLS.get());
  }

  @Test
  void underTheFailPolicyAPoisonRecordStopsTheJobAndCommitsNothingOfItsTask(TestKafka kafka, TestDatabase db)
      throws Exception {
    int n = 3_000;
    String topic = kafka.createTopic(TestKafka.uniqueTopic("poison_fail"), 1);
    JobUnderTest job = job("poison_fail", PoisonJob.class, kafka, topic, db)
        .set("worker.task.attempts", "2").set("job.poison.policy", "fail");
    produce(kafka, topic, n, List.of(1_500L));
    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
      Throwable failure = awaitFailure(engine);
      assertTrue(failure instanceof PoisonRecordException, String.valueOf(failure));
      String message = failure.getMessage();
      assertTrue(message.contains(topic + "-0@1500"), message);
      assertTrue(message.contains("IllegalStateException: cannot handle poison-1500"), message);
      assertTrue(message.contains("job.poison.policy"), message);
    }
    assertCommittedUpTo(job, db, 1_000, 1_000);
  }

  @Test
  void underTheFailPolicyAnUndecodableRecordStopsTheProcessWithExitCode1(TestKafka kafka, TestDatabase db)
      throws Exception {
    int n = 3_000;
    String topic = kafka.createTopic(TestKafka.uniqueTopic("undecodable_fail"), 1);
    JobUnderTest job = job("undecodable_fail", JsonJob.class, kafka, topic, db)
        .set("value.format", "json").set("job.poison.policy", "fail");
    produceJson(kafka, topic, n, 1_500L);
    try (JobProcess p = OnceflowCommand.start("undecodable", "run", job.writeConfig(dir), Map.of())) {
      assertEquals(1, p.awaitExit(Duration.ofMinutes(2)), p.tail());
      String out = p.output();
      assertTrue(out.contains("failed: Poison record " + topic + "-0@1500"), out);
      assertTrue(out.contains("JsonEOFException: Unexpected end-of-input"), out);
    }
    assertCommittedUpTo(job, db, 1_000, 1_000);
  }

  /** {@code jobClass} on {@code topic}: 1,000 records per task, one worker thread. */
  private static JobUnderTest job(
      String name, Class<? extends Job<?>> jobClass, TestKafka kafka, String topic, TestDatabase db) {
    return JobUnderTest.of(jobClass, kafka, db).topics(topic).set("job.name", name)
        .set("batch.max.records.per.partition", "1000").set("worker.threads", "1");
  }

  private static Throwable awaitFailure(Engine engine) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (engine.failure().isEmpty() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return engine.failure().orElseThrow(() -> new AssertionError("the engine did not stop"));
  }

  /** The partition's offset stands at {@code offset}, {@code seen} holds that many rows, no dead letter. */
  private static void assertCommittedUpTo(JobUnderTest job, TestDatabase db, long offset, long seen) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery(
          "SELECT until_offset FROM onceflow.offsets WHERE job = '" + job.name() + "'")) {
        rs.next();
        assertEquals(offset, rs.getLong(1), "the poisoned task must not move the offset");
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM seen")) {
        rs.next();
        assertEquals(seen, rs.getLong(1), "nothing of the poisoned task was written");
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM onceflow.dead_letters")) {
        rs.next();
        assertEquals(0, rs.getLong(1), "no dead letters under the fail policy");
      }
      LedgerAssertions.assertInvariants(c, job.name()); // a stopped job may leave planned tasks
    }
  }

  private static void produceJson(TestKafka kafka, String topic, int n, long bad) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("enable.idempotence", "true");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (long i = 0; i < n; i++) {
        String value = i == bad ? "{\"torn\": " : "{\"i\": " + i + "}";
        producer.send(new ProducerRecord<>(topic, 0, "k" + i, value));
      }
      producer.flush();
    }
  }

  /** Sends n records "good-i" ("poison-i" at the given indexes) to partition 0, asynchronously. */
  static void produce(TestKafka kafka, String topic, int n, List<Long> poison) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("enable.idempotence", "true");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (long i = 0; i < n; i++) {
        String value = (poison.contains(i) ? "poison-" : "good-") + i;
        producer.send(new ProducerRecord<>(topic, 0, "k" + i, value));
      }
      producer.flush();
    }
  }
}
