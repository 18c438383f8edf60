package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.examples.Workload;
import io.onceflow.runtime.Engine;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A record that makes the job throw is isolated by bisection under savepoints after the
 * configured attempts: it becomes a dead letter, every other record of its range commits once,
 * and the partition moves on. The seed problem of DESIGN §1.2, fixed.
 */
class PoisonRecordsIT {
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
