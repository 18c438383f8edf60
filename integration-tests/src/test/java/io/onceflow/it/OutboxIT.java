package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.examples.AggEventsJob;
import io.onceflow.examples.GroundTruth;
import io.onceflow.examples.Verdict;
import io.onceflow.examples.Workload;
import io.onceflow.testkit.JobProcess;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka in, PostgreSQL and Kafka out, exactly once (docs/outbox.md), with real processes: the
 * {@code AggEventsJob} example's totals table and its change events on an output topic, read
 * {@code read_committed} and checked against ground truth from the workload's formula ({@link
 * OutboxTruth}).
 */
@ExtendWith(RealServers.class)
class OutboxIT {
  private static final Workload WORKLOAD = Workload.standard().withUsers(500).withMalformed(0.002, 7);
  private static final Duration WAIT = Duration.ofMinutes(2);

  @TempDir Path dir;

  @Test
  void everyChangeIsPublishedOnceInOrderAndTheOutboxEmpties(TestKafka kafka, TestDatabase db)
      throws Exception {
    long records = 20_000;
    String topic = kafka.createTopic(TestKafka.uniqueTopic("outbox-in"), 4);
    String output = kafka.createTopic(TestKafka.uniqueTopic("outbox-out"), 3);
    JobUnderTest job = job("outbox_e2e", kafka, topic, output, db);
    WorkloadJobs.produce(kafka, topic, WORKLOAD, 0, records / 2);
    try (JobProcess run = OnceflowCommand.start("run", "run", job.writeConfig(dir), Map.of())) {
      job.awaitCommitted(records / 2, WAIT, run::tail);
      WorkloadJobs.produce(kafka, topic, WORKLOAD, records / 2, records / 2);
      job.awaitCommitted(records, WAIT, run::tail);
      OutboxTruth.awaitExactlyOnce(kafka, output, GroundTruth.aggTotals(records, WORKLOAD), WAIT,
          run::tail);
      awaitOutboxEmpty(job, run);
      assertEquals(0, run.terminate(Duration.ofSeconds(30)), run.tail());
    }
    verifyTable(db, job, records);
    job.assertLedger();
  }

  @Test
  void aMissingOutputTopicStopsOnlyTheRelayWithAClearErrorAndLosesNothing(
      TestKafka kafka, TestDatabase db) throws Exception {
    long records = 4_000;
    String topic = kafka.createTopic(TestKafka.uniqueTopic("outbox-in"), 2);
    String output = TestKafka.uniqueTopic("outbox-missing");
    JobUnderTest job = job("outbox_missing", kafka, topic, output, db);
    WorkloadJobs.produce(kafka, topic, WORKLOAD, 0, records);
    try (JobProcess run = OnceflowCommand.start("run", "run", job.writeConfig(dir), Map.of())) {
      job.awaitCommitted(records, WAIT, run::tail); // the input side does not wait for the output
      run.awaitOutput("Output topic '" + output + "' does not exist", WAIT);
      assertTrue(outboxRows(job) > 0, "the emitted records wait in the outbox");
      kafka.createTopic(output, 2);
      OutboxTruth.awaitExactlyOnce(kafka, output, GroundTruth.aggTotals(records, WORKLOAD), WAIT,
          run::tail);
      awaitOutboxEmpty(job, run);
      assertEquals(0, run.terminate(Duration.ofSeconds(30)), run.tail());
    }
    verifyTable(db, job, records);
  }

  /**
   * A zombie relay: driver A's relay has sent records in an open Kafka transaction and is frozen
   * there (the {@code relay.before-commit} stall, then SIGSTOP of the whole process). Its
   * leadership is taken from it (its lock session ended, as a network cut or TCP keepalive would),
   * driver B leads and its relay starts with the same transactional.id. When A wakes up, its
   * commit is refused (fenced): the output holds every change exactly once.
   */
  @Test
  void aFrozenRelayThatWakesUpAfterATakeoverIsFencedAndPublishesNothingTwice(
      TestKafka kafka, TestDatabase db) throws Exception {
    long records = 12_000;
    String topic = kafka.createTopic(TestKafka.uniqueTopic("outbox-in"), 4);
    String output = kafka.createTopic(TestKafka.uniqueTopic("outbox-out"), 3);
    JobUnderTest job = job("outbox_zombie", kafka, topic, output, db)
        .set("driver.standby.poll.ms", "300")
        .set("outbox.relay.max.records", "200"); // several transactions: A freezes in its first
    Path config = job.writeConfig(dir);
    WorkloadJobs.produce(kafka, topic, WORKLOAD, 0, records / 2);
    Map<String, String> stallRelay = Map.of(
        "ONCEFLOW_CRASH_AT", "relay.before-commit", "ONCEFLOW_CRASH_AFTER", "1",
        "ONCEFLOW_CRASH_MODE", "stall", "ONCEFLOW_CRASH_STALL_MS", "15000");
    try (JobProcess worker = OnceflowCommand.start("worker", "worker", config, Map.of());
        JobProcess a = OnceflowCommand.start("driver-a", "driver", config, stallRelay)) {
      a.awaitOutput(io.onceflow.crash.CrashPoints.STALLED_MARKER + "relay.before-commit", WAIT);
      a.signal("STOP");
      try (JobProcess b = OnceflowCommand.start("driver-b", "driver", config, Map.of())) {
        b.awaitOutput("Another driver leads job", WAIT);
        endLeaderLockSession(job);
        b.awaitOutput("Outbox relay of job '" + job.name() + "' publishing", WAIT);
        WorkloadJobs.produce(kafka, topic, WORKLOAD, records / 2, records / 2);
        job.awaitCommitted(records, WAIT, () -> b.tail() + "\n" + worker.tail());
        OutboxTruth.awaitExactlyOnce(kafka, output, GroundTruth.aggTotals(records, WORKLOAD), WAIT,
            b::tail);
        a.signal("CONT");
        a.awaitOutput("was fenced", Duration.ofSeconds(60));
        TimeUnit.SECONDS.sleep(2); // what A might still do, it would do now
        OutboxTruth.awaitExactlyOnce(kafka, output, GroundTruth.aggTotals(records, WORKLOAD), WAIT,
            () -> a.tail() + "\n" + b.tail());
        awaitOutboxEmpty(job, b);
        assertEquals(0, b.terminate(Duration.ofSeconds(30)), b.tail());
      } finally {
        a.signal("CONT");
      }
      assertEquals(0, a.terminate(Duration.ofSeconds(30)), a.tail());
      assertEquals(0, worker.terminate(Duration.ofSeconds(30)), worker.tail());
    }
    verifyTable(db, job, records);
    job.assertLedger();
  }

  private static JobUnderTest job(
      String name, TestKafka kafka, String topic, String output, TestDatabase db) {
    return WorkloadJobs.job(name, AggEventsJob.class, kafka, topic, db)
        .set("batch.max.records.per.partition", "1000")
        .param(AggEventsJob.OUTPUT_TOPIC_PARAM, output)
        .param("table", name + "_totals");
  }

  private static void verifyTable(TestDatabase db, JobUnderTest job, long records)
      throws SQLException {
    try (Connection c = db.connect()) {
      Verdict verdict = GroundTruth.verifyAgg(c, job.name() + "_totals", records, WORKLOAD);
      assertTrue(verdict.passed(), verdict.summary());
    }
  }

  /** Ends the session that holds the job's leadership lock, as a network cut would. */
  private static void endLeaderLockSession(JobUnderTest job) throws SQLException {
    try (Connection c = job.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l JOIN onceflow.jobs j"
                + " ON l.objid = j.lock_key::oid WHERE l.locktype = 'advisory' AND l.classid = "
                + io.onceflow.ledger.Leadership.LOCK_CLASS + "::oid AND j.job = '" + job.name() + "'")) {
      rs.next();
      assertEquals(1, rs.getInt(1), "one session held the leadership lock");
    }
  }

  private static long outboxRows(JobUnderTest job) throws SQLException {
    try (Connection c = job.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT count(*) FROM onceflow.outbox WHERE job = '" + job.name() + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void awaitOutboxEmpty(JobUnderTest job, JobProcess p) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (outboxRows(job) > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(outboxRows(job) + " rows left in the outbox\n" + p.tail());
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }
}
