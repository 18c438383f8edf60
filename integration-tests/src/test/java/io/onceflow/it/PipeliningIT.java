package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Several batches in flight: planned ahead, yet each partition's tasks commit in offset order. */
@ExtendWith(RealServers.class)
class PipeliningIT {
  @Test
  void tasksOfOnePartitionCommitInOrderWithSeveralBatchesInFlight(TestKafka kafka, TestDatabase db) throws Exception {
    long n = 20_000;
    Workload workload = Workload.standard().withUsers(1_000);
    String topic = kafka.createTopic(TestKafka.uniqueTopic("pipelined"), 2);
    JobUnderTest job = WorkloadJobs.job("pipelined", SlowAggJob.class, kafka, topic, db)
        .param("pause.before.ms", "200")
        .set("batch.max.records.per.partition", "500").set("batch.max.in.flight", "4")
        .set("worker.threads", "4");
    WorkloadJobs.produce(kafka, topic, workload, 0, n);
    int maxInFlight = 0;
    try (Engine engine = Engine.start(job.config(), Engine.Role.LOCAL);
        Connection c = db.connect()) {
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (job.committedOffsets() < n && System.nanoTime() < deadline) {
        maxInFlight = Math.max(maxInFlight, batchesInFlight(c, job.name()));
        TimeUnit.MILLISECONDS.sleep(20);
      }
      job.awaitCommitted(n, Duration.ofSeconds(1), () -> engine.failure().map(Throwable::toString).orElse(""));
    }
    assertTrue(maxInFlight >= 2, "more than one batch was in flight at some point, saw " + maxInFlight);
    assertTrue(overlappingBatches(db) > 0, "a batch was planned before the previous one committed");
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT count(*) FROM (SELECT committed_at, lag(committed_at) OVER"
                + " (PARTITION BY topic, partition ORDER BY from_offset) AS previous"
                + " FROM onceflow.tasks WHERE job = 'pipelined') t WHERE committed_at <= previous")) {
      rs.next();
      assertTrue(rs.getLong(1) == 0, rs.getLong(1) + " tasks committed before an earlier range of their partition");
      Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", n, workload);
      assertTrue(verdict.passed(), verdict.summary());
    }
    job.assertLedger();
  }

  /** Batches planned while an earlier batch still had uncommitted tasks: from the ledger alone. */
  private static long overlappingBatches(TestDatabase db) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT count(*) FROM onceflow.batches b WHERE b.job = 'pipelined' AND EXISTS ("
                + " SELECT 1 FROM onceflow.tasks t WHERE t.job = b.job AND t.batch_id < b.batch_id"
                + " AND t.committed_at > b.planned_at)")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static int batchesInFlight(Connection c, String job) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT count(DISTINCT batch_id) FROM onceflow.tasks WHERE job = '" + job + "' AND state = 'planned'")) {
      rs.next();
      return rs.getInt(1);
    } catch (java.sql.SQLException e) {
      return 0; // ledger not created yet
    }
  }
}
