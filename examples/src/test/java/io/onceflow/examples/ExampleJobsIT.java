package io.onceflow.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.testkit.DeadLetterRows;
import io.onceflow.testkit.JobProcess;
import io.onceflow.testkit.JobUnderTest;
import io.onceflow.testkit.LedgerAssertions;
import io.onceflow.testkit.RealServers;
import io.onceflow.testkit.TestDatabase;
import io.onceflow.testkit.TestKafka;
import io.onceflow.testkit.TestProducer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example jobs tested the way a user tests a job class: only with the test kit, on a real
 * broker and a real database, through the real engine.
 */
@ExtendWith(RealServers.class)
class ExampleJobsIT {
  private static final Workload WORKLOAD = Workload.standard().withUsers(2_000);

  @Test
  void aggCountsEveryEventOnce(TestKafka kafka, TestDatabase db) throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("agg"), 4);
    produce(kafka, topic, 20_000);

    JobUnderTest job = JobUnderTest.of(AggJob.class, kafka, db).topics(topic).set("value.format", "bytes");
    job.runUntilCaughtUp(Duration.ofMinutes(2));

    try (Connection c = db.connect()) {
      Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", 20_000, WORKLOAD);
      assertTrue(verdict.passed(), verdict.summary());
      LedgerAssertions.assertInvariants(c, job.name());
    }
  }

  @Test
  void appendStoresEveryEventAtItsOffset(TestKafka kafka, TestDatabase db) throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("append"), 4);
    produce(kafka, topic, 12_000);

    JobUnderTest job = JobUnderTest.of(AppendJob.class, kafka, db).topics(topic).set("value.format", "bytes");
    job.runUntilCaughtUp(Duration.ofMinutes(2));

    try (Connection c = db.connect()) {
      Verdict verdict = GroundTruth.verifyAppend(c, "events", 12_000, 4, WORKLOAD);
      assertTrue(verdict.passed(), verdict.summary());
      LedgerAssertions.assertInvariants(c, job.name());
    }
  }

  @Test
  void aMalformedEventBecomesADeadLetterAndTheRestCounts(TestKafka kafka, TestDatabase db) throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("poison"), 1);
    try (TestProducer producer = TestProducer.to(kafka, topic)) {
      producer.send("u1", "{\"user\":\"u1\",\"amount\":5}")
          .send("u1", "{\"user\":\"u1\",\"amount\":")   // cut off: not JSON
          .send("u1", "{\"user\":\"u1\",\"amount\":7}");
      producer.sendAborted(0, List.of("{\"user\":\"u1\",\"amount\":1000}"));
    }

    JobUnderTest job = JobUnderTest.of(AggJob.class, kafka, db).topics(topic).set("value.format", "bytes");
    JobUnderTest.CatchUp run = job.runUntilCaughtUp(Duration.ofMinutes(1));

    assertEquals(1, run.deadLetters());
    try (Connection c = db.connect()) {
      DeadLetterRows.DeadLetterRow dead = DeadLetterRows.read(c, job.name()).get(0);
      assertEquals(1, dead.offset());
      assertEquals("{\"user\":\"u1\",\"amount\":", new String(dead.value(), StandardCharsets.UTF_8));
      try (var s = c.createStatement();
          var rs = s.executeQuery("SELECT events, amount FROM user_totals WHERE user_id = 'u1'")) {
        rs.next();
        assertEquals(2, rs.getLong(1), "the aborted transaction's event never counts");
        assertEquals(12, rs.getLong(2));
      }
      LedgerAssertions.assertInvariants(c, job.name());
    }
  }

  @Test
  void aWorkerKilledMidTaskLeavesNoTrace(TestKafka kafka, TestDatabase db, @TempDir Path dir) throws Exception {
    String topic = kafka.createTopic(TestKafka.uniqueTopic("crash"), 2);
    produce(kafka, topic, 8_000);
    JobUnderTest job = JobUnderTest.of(AggJob.class, kafka, db).topics(topic)
        .set("value.format", "bytes")
        .set("batch.max.records.per.partition", "500")
        .set("worker.threads", "1");

    // The job wrote its results for its second task, the transaction is open: kill -9 now.
    try (JobProcess doomed = job.startProcess("doomed", "run", dir, JobProcess.crashAt("worker.job-written", 2))) {
      doomed.awaitOutput(JobProcess.PAUSED_MARKER + "worker.job-written", Duration.ofMinutes(1));
      doomed.kill9();
    }
    job.runUntilCaughtUp(Duration.ofMinutes(2));

    try (Connection c = db.connect()) {
      Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", 8_000, WORKLOAD);
      assertTrue(verdict.passed(), verdict.summary());
      LedgerAssertions.assertInvariants(c, job.name());
    }
  }

  private static void produce(TestKafka kafka, String topic, long n) {
    try (WorkloadProducer producer = WorkloadProducer.connect(kafka.bootstrapServers(), topic, WORKLOAD)) {
      producer.produce(0, n);
    }
  }

}
