package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.api.PoisonRecordException;
import io.onceflow.examples.Workload;
import io.onceflow.runtime.Engine;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * A record that makes the job throw is isolated by bisection under savepoints after the
 * configured attempts: it becomes a dead letter, every other record of its range commits once,
 * and the partition moves on. The seed problem of DESIGN §1.2, fixed.
 */
class PoisonRecordsIT {
  @TempDir Path dir;

  @Test
  void aPoisonRecordBecomesADeadLetterAndTheRestCommitsOnce() throws Exception {
    int n = 4_000;
    List<Long> poisonOffsets = List.of(17L, 2_500L, 3_999L);
    try (Scenario s = Scenario.create("poison", PoisonJob.class, Workload.standard(), 1)) {
      s.set("value.format", "string").set("batch.max.records.per.partition", "1000")
          .set("worker.task.attempts", "2").set("worker.threads", "1");
      produce(s, n, poisonOffsets);
      PoisonJob.CALLS.set(0);
      try (Engine engine = Engine.start(s.config(), Engine.Role.LOCAL)) {
        s.awaitCommitted(n, Duration.ofMinutes(3), () -> engine.failure().map(Throwable::toString).orElse(""));
      }
      try (Connection c = s.connect(); Statement st = c.createStatement()) {
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
      s.assertLedgerInvariants();
      // 4 tasks of 1000 with 3 poisoned: each poisoned task costs 2 failed attempts and then
      // about 2 * log2(1000) = 20 bisection calls; n calls would mean isolating record by record.
      assertTrue(PoisonJob.CALLS.get() < 120, "job calls: " + PoisonJob.CALLS.get());
    }
  }

  @Test
  void underTheFailPolicyAPoisonRecordStopsTheJobAndCommitsNothingOfItsTask() throws Exception {
    int n = 3_000;
    try (Scenario s = Scenario.create("poison_fail", PoisonJob.class, Workload.standard(), 1)) {
      s.set("value.format", "string").set("batch.max.records.per.partition", "1000")
          .set("worker.task.attempts", "2").set("worker.threads", "1")
          .set("job.poison.policy", "fail");
      produce(s, n, List.of(1_500L));
      try (Engine engine = Engine.start(s.config(), Engine.Role.LOCAL)) {
        Throwable failure = awaitFailure(engine);
        assertTrue(failure instanceof PoisonRecordException, String.valueOf(failure));
        String message = failure.getMessage();
        assertTrue(message.contains(s.topic + "-0@1500"), message);
        assertTrue(message.contains("IllegalStateException: cannot handle poison-1500"), message);
        assertTrue(message.contains("job.poison.policy"), message);
      }
      assertCommittedUpTo(s, 1_000, 1_000);
    }
  }

  @Test
  void underTheFailPolicyAnUndecodableRecordStopsTheProcessWithExitCode1() throws Exception {
    int n = 3_000;
    try (Scenario s = Scenario.create("undecodable_fail", JsonJob.class, Workload.standard(), 1)) {
      s.set("value.format", "json").set("batch.max.records.per.partition", "1000")
          .set("worker.threads", "1").set("job.poison.policy", "fail");
      produceJson(s, n, 1_500L);
      try (EngineProcess p = EngineProcess.start("undecodable", "run", s.writeConfig(dir), Map.of())) {
        assertEquals(1, p.awaitExit(Duration.ofMinutes(2)), p.tail());
        String out = p.output();
        assertTrue(out.contains("failed: Poison record " + s.topic + "-0@1500"), out);
        assertTrue(out.contains("JsonEOFException: Unexpected end-of-input"), out);
      }
      assertCommittedUpTo(s, 1_000, 1_000);
    }
  }

  private static Throwable awaitFailure(Engine engine) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (engine.failure().isEmpty() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return engine.failure().orElseThrow(() -> new AssertionError("the engine did not stop"));
  }

  /** The partition's offset stands at {@code offset}, {@code seen} holds that many rows, no dead letter. */
  private static void assertCommittedUpTo(Scenario s, long offset, long seen) throws Exception {
    try (Connection c = s.connect(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery(
          "SELECT until_offset FROM onceflow.offsets WHERE job = '" + s.job + "'")) {
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
    }
    s.assertLedgerInvariantsAllowingPending();
  }

  private static void produceJson(Scenario s, int n, long bad) {
    Properties p = new Properties();
    p.put("bootstrap.servers", s.kafka.bootstrapServers());
    p.put("enable.idempotence", "true");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (long i = 0; i < n; i++) {
        String value = i == bad ? "{\"torn\": " : "{\"i\": " + i + "}";
        producer.send(new ProducerRecord<>(s.topic, 0, "k" + i, value));
      }
      producer.flush();
    }
  }

  private static void produce(Scenario s, int n, List<Long> poison) {
    Properties p = new Properties();
    p.put("bootstrap.servers", s.kafka.bootstrapServers());
    p.put("enable.idempotence", "true");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (long i = 0; i < n; i++) {
        String value = (poison.contains(i) ? "poison-" : "good-") + i;
        producer.send(new ProducerRecord<>(s.topic, 0, "k" + i, value));
      }
      producer.flush();
    }
  }
}
