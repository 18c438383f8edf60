package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.examples.AggJob;
import io.onceflow.examples.GroundTruth;
import io.onceflow.examples.Verdict;
import io.onceflow.examples.Workload;
import io.onceflow.runtime.Engine;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server goes away in the middle of a run and comes back: the engine waits it out (retriable
 * errors, backoff), carries on, and the result equals ground truth. Each test restarts a server of
 * its own, never a shared one: a private Kafka broker, an embedded PostgreSQL.
 */
@ExtendWith(RealServers.class)
class OutageIT {
  private static final long BEFORE = 20_000;
  private static final long AFTER = 10_000;
  private static final Duration DOWN = Duration.ofSeconds(6);
  private static final Workload WORKLOAD = Workload.standard().withUsers(2_000);

  @Test
  void theEngineCarriesOnAfterTheKafkaBrokerIsStoppedAndRestarted(TestDatabase db) throws Exception {
    try (TestKafka kafka = TestKafka.startPrivate()) {
      String topic = kafka.createTopic(TestKafka.uniqueTopic("kafka_outage"), 4);
      JobUnderTest job = settings(WorkloadJobs.job("kafka_outage", AggJob.class, kafka, topic, db));
      WorkloadJobs.produce(kafka, topic, WORKLOAD, 0, BEFORE);
      try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
        job.awaitCommitted(BEFORE / 4, Duration.ofMinutes(2), () -> String.valueOf(engine.failure()));
        kafka.stop();
        TimeUnit.MILLISECONDS.sleep(DOWN.toMillis());
        assertTrue(engine.failure().isEmpty(), () -> "failed during the outage: " + engine.failure());
        kafka.restart();
        WorkloadJobs.produce(kafka, topic, WORKLOAD, BEFORE, AFTER);
        job.awaitCommitted(BEFORE + AFTER, Duration.ofMinutes(3), () -> String.valueOf(engine.failure()));
        assertTrue(engine.failure().isEmpty(), () -> String.valueOf(engine.failure()));
      }
      assertExactlyOnce(job);
    }
  }

  @Test
  void theEngineCarriesOnAfterPostgresIsStoppedAndRestarted(TestKafka kafka) throws Exception {
    try (OwnPostgres pg = OwnPostgres.start()) {
      String topic = kafka.createTopic(TestKafka.uniqueTopic("pg_outage"), 4);
      JobUnderTest job = settings(WorkloadJobs.job("pg_outage", AggJob.class, kafka, topic, pg.jdbcUrl()));
      WorkloadJobs.produce(kafka, topic, WORKLOAD, 0, BEFORE);
      try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
        job.awaitCommitted(BEFORE / 4, Duration.ofMinutes(2), () -> String.valueOf(engine.failure()));
        pg.stop();
        TimeUnit.MILLISECONDS.sleep(DOWN.toMillis());
        assertTrue(engine.failure().isEmpty(), () -> "failed during the outage: " + engine.failure());
        pg.startAgain();
        WorkloadJobs.produce(kafka, topic, WORKLOAD, BEFORE, AFTER);
        job.awaitCommitted(BEFORE + AFTER, Duration.ofMinutes(3), () -> String.valueOf(engine.failure()));
        assertTrue(engine.failure().isEmpty(), () -> String.valueOf(engine.failure()));
      }
      assertExactlyOnce(job);
    }
  }

  private static JobUnderTest settings(JobUnderTest job) {
    return job.set("batch.max.records.per.partition", "500").set("worker.lease.ms", "5000");
  }

  private static void assertExactlyOnce(JobUnderTest job) throws Exception {
    try (Connection c = job.connect()) {
      Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", BEFORE + AFTER, WORKLOAD);
      assertTrue(verdict.passed(), verdict.summary());
    }
    job.assertLedger();
  }
}
