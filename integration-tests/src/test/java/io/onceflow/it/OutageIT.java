package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.examples.AggJob;
import io.onceflow.examples.GroundTruth;
import io.onceflow.examples.Verdict;
import io.onceflow.examples.Workload;
import io.onceflow.runtime.Engine;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A server goes away in the middle of a run and comes back: the engine waits it out (retriable
 * errors, backoff), carries on, and the result equals ground truth. Each test restarts a server of
 * its own, never a shared one: a private Kafka broker, an embedded PostgreSQL.
 */
class OutageIT {
  private static final long BEFORE = 20_000;
  private static final long AFTER = 10_000;
  private static final Duration DOWN = Duration.ofSeconds(6);

  @Test
  void theEngineCarriesOnAfterTheKafkaBrokerIsStoppedAndRestarted() throws Exception {
    try (TestKafka kafka = TestKafka.startPrivate();
        TestDatabase db = TestDatabase.create();
        Scenario s = scenario(Scenario.on(kafka, db.jdbcUrl(), "kafka_outage", AggJob.class, workload(), 4))) {
      s.produce(0, BEFORE);
      try (Engine engine = Engine.start(s.config(), Engine.Role.LOCAL)) {
        s.awaitCommitted(BEFORE / 4, Duration.ofMinutes(2), () -> String.valueOf(engine.failure()));
        kafka.stop();
        TimeUnit.MILLISECONDS.sleep(DOWN.toMillis());
        assertTrue(engine.failure().isEmpty(), () -> "failed during the outage: " + engine.failure());
        kafka.restart();
        s.produce(BEFORE, AFTER);
        s.awaitCommitted(BEFORE + AFTER, Duration.ofMinutes(3), () -> String.valueOf(engine.failure()));
        assertTrue(engine.failure().isEmpty(), () -> String.valueOf(engine.failure()));
      }
      assertExactlyOnce(s);
    }
  }

  @Test
  void theEngineCarriesOnAfterPostgresIsStoppedAndRestarted() throws Exception {
    try (OwnPostgres pg = OwnPostgres.start();
        Scenario s = scenario(Scenario.on(TestKafka.shared(), pg.jdbcUrl(), "pg_outage", AggJob.class, workload(), 4))) {
      s.produce(0, BEFORE);
      try (Engine engine = Engine.start(s.config(), Engine.Role.LOCAL)) {
        s.awaitCommitted(BEFORE / 4, Duration.ofMinutes(2), () -> String.valueOf(engine.failure()));
        pg.stop();
        TimeUnit.MILLISECONDS.sleep(DOWN.toMillis());
        assertTrue(engine.failure().isEmpty(), () -> "failed during the outage: " + engine.failure());
        pg.startAgain();
        s.produce(BEFORE, AFTER);
        s.awaitCommitted(BEFORE + AFTER, Duration.ofMinutes(3), () -> String.valueOf(engine.failure()));
        assertTrue(engine.failure().isEmpty(), () -> String.valueOf(engine.failure()));
      }
      assertExactlyOnce(s);
    }
  }

  private static Workload workload() {
    return Workload.standard().withUsers(2_000);
  }

  private static Scenario scenario(Scenario s) {
    return s.set("batch.max.records.per.partition", "500").set("worker.lease.ms", "5000");
  }

  private static void assertExactlyOnce(Scenario s) throws Exception {
    try (Connection c = s.connect()) {
      Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", BEFORE + AFTER, s.workload);
      assertTrue(verdict.passed(), verdict.summary());
    }
    s.assertLedgerInvariants();
  }
}
