package io.onceflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onceflow.examples.AggJob;
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
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two worker JVMs (two threads each) race for the same tasks, with leases short enough to expire
 * under load. AGG counts a record twice if a range commits twice, so ground truth catches any
 * duplicate; the ledger shows that both workers took part.
 */
@ExtendWith(RealServers.class)
class CompetingWorkersIT {
  @TempDir Path dir;

  @Test
  void twoWorkerProcessesNeverCommitARangeTwice(TestKafka kafka, TestDatabase db) throws Exception {
    long n = 60_000;
    Workload workload = Workload.standard().withUsers(4_000);
    String topic = kafka.createTopic(TestKafka.uniqueTopic("competing"), 8);
    JobUnderTest job = WorkloadJobs.job("competing", AggJob.class, kafka, topic, db)
        .set("batch.max.records.per.partition", "500").set("batch.max.in.flight", "4")
        .set("worker.lease.ms", "2000");
    WorkloadJobs.produce(kafka, topic, workload, 0, n);
    Path config = job.writeConfig(dir);
    try (JobProcess driver = OnceflowCommand.start("driver", "driver", config, Map.of());
        JobProcess a = OnceflowCommand.start("worker-a", "worker", config, Map.of());
        JobProcess b = OnceflowCommand.start("worker-b", "worker", config, Map.of())) {
      job.awaitCommitted(n, Duration.ofMinutes(4), () -> a.tail() + "\n" + b.tail() + "\n" + driver.tail());
      assertEquals(0, a.terminate(Duration.ofSeconds(60)), a.tail());
      assertEquals(0, b.terminate(Duration.ofSeconds(60)), b.tail());
      assertEquals(0, driver.terminate(Duration.ofSeconds(60)), driver.tail());
    }
    try (Connection c = db.connect()) {
      Verdict verdict = GroundTruth.verifyAgg(c, "user_totals", n, workload);
      assertTrue(verdict.passed(), verdict.summary());
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(
              "SELECT count(DISTINCT worker_id) FROM onceflow.workers WHERE job = 'competing'")) {
        rs.next();
        assertEquals(2, rs.getInt(1), "both worker processes registered");
      }
    }
    job.assertLedger();
  }
}
