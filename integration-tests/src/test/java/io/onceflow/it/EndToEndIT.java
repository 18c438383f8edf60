package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.examples.AggJob;
import io.onceflow.examples.AppendJob;
import io.onceflow.examples.GroundTruth;
import io.onceflow.examples.Verdict;
import io.onceflow.examples.Workload;
import io.onceflow.runtime.Engine;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The two jobs of WORKLOAD.md end to end on a real broker and a real database. */
@ExtendWith(RealServers.class)
class EndToEndIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @Test
  void aggregatesEveryRecordExactlyOnce(TestKafka kafka, TestDatabase db) throws Exception {
    long n = 60_000;
    Workload workload = Workload.standard().withUsers(5_000);
    String topic = kafka.createTopic(TestKafka.uniqueTopic("agg_e2e"), 8);
    JobUnderTest job = WorkloadJobs.job("agg_e2e", AggJob.class, kafka, topic, db).param("table", "user_totals");
    WorkloadJobs.produce(kafka, topic, workload, 0, n);
    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
      job.awaitCommitted(n, TIMEOUT, () -> engine.failure().map(Throwable::toString).orElse(""));
    }
    try (Connection c = db.connect()) {
      Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", n, workload);
      assertTrue(verdict.passed(), verdict.summary());
    }
    job.assertLedger();
  }

  @Test
  void appendsEveryRecordOnceAtItsOwnPartitionAndOffset(TestKafka kafka, TestDatabase db) throws Exception {
    long n = 40_000;
    Workload workload = Workload.standard();
    String topic = kafka.createTopic(TestKafka.uniqueTopic("append_e2e"), 8);
    JobUnderTest job = WorkloadJobs.job("append_e2e", AppendJob.class, kafka, topic, db)
        .param("table", "events").set("batch.max.in.flight", "3");
    WorkloadJobs.produce(kafka, topic, workload, 0, n);
    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
      job.awaitCommitted(n, TIMEOUT, () -> engine.failure().map(Throwable::toString).orElse(""));
    }
    try (Connection c = db.connect()) {
      Verdict verdict = GroundTruth.verifyAppend(c, "events", n, 8, workload);
      assertTrue(verdict.passed(), verdict.summary());
    }
    job.assertLedger();
  }

  @Test
  void picksUpRecordsProducedWhileTheJobRuns(TestKafka kafka, TestDatabase db) throws Exception {
    long first = 10_000;
    long second = 15_000;
    Workload workload = Workload.standard().withUsers(2_000);
    String topic = kafka.createTopic(TestKafka.uniqueTopic("agg_live"), 4);
    JobUnderTest job = WorkloadJobs.job("agg_live", AggJob.class, kafka, topic, db);
    WorkloadJobs.produce(kafka, topic, workload, 0, first);
    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
      job.awaitCommitted(first, TIMEOUT, () -> "");
      WorkloadJobs.produce(kafka, topic, workload, first, second);
      job.awaitCommitted(first + second, TIMEOUT, () -> engine.failure().map(Throwable::toString).orElse(""));
    }
    try (Connection c = db.connect()) {
      Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", first + second, workload);
      assertTrue(verdict.passed(), verdict.summary());
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM onceflow.batches WHERE job = 'agg_live'")) {
        rs.next();
        assertTrue(rs.getLong(1) >= 2, "records produced later arrive in later batches");
      }
    }
    job.assertLedger();
  }

  @Test
  void aSingleRecordIsOneTaskOfOneOffset(TestKafka kafka, TestDatabase db) throws Exception {
    Workload workload = Workload.standard();
    String topic = kafka.createTopic(TestKafka.uniqueTopic("one_record"), 3);
    JobUnderTest job = WorkloadJobs.job("one_record", AppendJob.class, kafka, topic, db);
    WorkloadJobs.produce(kafka, topic, workload, 0, 1);
    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL)) {
      job.awaitCommitted(1, TIMEOUT, () -> "");
    }
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      Verdict verdict = GroundTruth.verifyAppend(c, "events", 1, 3, workload);
      assertTrue(verdict.passed(), verdict.summary());
      try (ResultSet rs = st.executeQuery(
          "SELECT count(*), min(until_offset - from_offset), max(until_offset - from_offset)"
              + " FROM onceflow.tasks WHERE job = 'one_record'")) {
        rs.next();
        assertEquals(1, rs.getLong(1), "one task: empty partitions get no task");
        assertEquals(1, rs.getLong(2));
        assertEquals(1, rs.getLong(3));
      }
    }
    job.assertLedger();
  }
}
